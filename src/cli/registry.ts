/**
 * Every command, in the order `stronghold --help` lists them. Adding a command is one file in `commands/`
 * and one line here.
 * @module
 */
import type { Command } from './command.js';
import { address } from './commands/address.js';
import { clientCreate, clientLs } from './commands/client.js';
import { completion } from './commands/completion.js';
import { demo } from './commands/demo.js';
import { derive } from './commands/derive.js';
import { frostKeygen, frostSign } from './commands/frost.js';
import { frostAbort, frostDkg, frostRefresh, frostRepair } from './commands/frost-dkg.js';
import { id } from './commands/id.js';
import { info } from './commands/info.js';
import { init } from './commands/init.js';
import { keyGenerate } from './commands/key-generate.js';
import { ls } from './commands/ls.js';
import { mnemonicGenerate } from './commands/mnemonic-generate.js';
import { mnemonicRecover } from './commands/mnemonic-recover.js';
import { backup, migrate, passwd } from './commands/passwords.js';
import { pubkey } from './commands/pubkey.js';
import { recordRm } from './commands/record.js';
import { relay } from './commands/relay.js';
import { remote } from './commands/remote.js';
import { run } from './commands/run.js';
import { serve } from './commands/serve.js';
import { sign } from './commands/sign.js';
import { verify } from './commands/verify.js';
import { storeGet, storeLs, storeRm, storeSet } from './commands/store.js';

export const COMMANDS: readonly Command[] = [
  init,
  info,
  ls,
  clientCreate,
  clientLs,
  mnemonicGenerate,
  mnemonicRecover,
  keyGenerate,
  recordRm,
  derive,
  pubkey,
  sign,
  verify,
  address,
  run,
  storeGet,
  storeSet,
  storeRm,
  storeLs,
  passwd,
  backup,
  migrate,
  id,
  serve,
  remote,
  relay,
  frostKeygen,
  frostSign,
  frostDkg,
  frostRefresh,
  frostRepair,
  frostAbort,
  completion,
  demo,
];
