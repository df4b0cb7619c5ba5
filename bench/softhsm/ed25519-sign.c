/*
 * Ed25519 signing through PKCS#11 with a non-extractable key, for bench/softhsm.ts.
 *
 * Usage: ed25519-sign MODULE_PATH   (SOFTHSM2_CONF must point at a config with an empty token directory)
 * Loads the module, initialises a token in the first free slot, logs in, generates an Ed25519 key pair
 * (CKM_EC_EDWARDS_KEY_PAIR_GEN; the private key is CKA_SENSITIVE, not CKA_EXTRACTABLE, a session object),
 * prints one line of JSON with the public key (CKA_EC_POINT), a sample message and its signature so the
 * caller can verify them, then serves commands from stdin so that the caller can interleave its own
 * measurements with ours:
 *   "run MS\n"  -> signs a 64-byte message with CKM_EDDSA for about MS milliseconds,
 *                  prints {"ops": N, "ms": T}
 *   "quit\n"    -> exits.
 * Errors print {"error": "...", "rv": N} and exit 1.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST_PTR p11;

static void fail(const char *what, CK_RV rv) {
  printf("{\"error\": \"%s\", \"rv\": %lu}\n", what, (unsigned long)rv);
  fflush(stdout);
  exit(1);
}

#define CHECK(call, what) do { CK_RV rv_ = (call); if (rv_ != CKR_OK) fail(what, rv_); } while (0)

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void hex(const char *name, const unsigned char *b, unsigned long n) {
  printf("\"%s\": \"", name);
  for (unsigned long i = 0; i < n; i++) printf("%02x", b[i]);
  printf("\"");
}

int main(int argc, char **argv) {
  if (argc != 2) fail("usage: ed25519-sign MODULE_PATH", 0);
  void *lib = dlopen(argv[1], RTLD_NOW);
  if (!lib) fail("dlopen failed", 0);
  CK_C_GetFunctionList getList = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
  if (!getList) fail("no C_GetFunctionList", 0);
  CHECK(getList(&p11), "C_GetFunctionList");
  CHECK(p11->C_Initialize(NULL), "C_Initialize");

  /* SoftHSM always offers one uninitialised slot; initialising it moves the token to a new slot id. */
  CK_SLOT_ID slots[16];
  CK_ULONG count = 16;
  CHECK(p11->C_GetSlotList(CK_TRUE, slots, &count), "C_GetSlotList");
  if (count == 0) fail("no slot", 0);
  CK_UTF8CHAR label[32];
  memset(label, ' ', sizeof label);
  memcpy(label, "bench", 5);
  CK_UTF8CHAR so_pin[] = "87654321", user_pin[] = "12345678";
  CHECK(p11->C_InitToken(slots[0], so_pin, 8, label), "C_InitToken");
  count = 16;
  CHECK(p11->C_GetSlotList(CK_TRUE, slots, &count), "C_GetSlotList");
  CK_SLOT_ID slot = (CK_SLOT_ID)-1;
  for (CK_ULONG i = 0; i < count; i++) {
    CK_TOKEN_INFO info;
    if (p11->C_GetTokenInfo(slots[i], &info) == CKR_OK && (info.flags & CKF_TOKEN_INITIALIZED) && memcmp(info.label, label, 32) == 0) slot = slots[i];
  }
  if (slot == (CK_SLOT_ID)-1) fail("initialised token not found", 0);

  CK_SESSION_HANDLE s;
  CHECK(p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s), "C_OpenSession");
  CHECK(p11->C_Login(s, CKU_SO, so_pin, 8), "C_Login SO");
  CHECK(p11->C_InitPIN(s, user_pin, 8), "C_InitPIN");
  CHECK(p11->C_Logout(s), "C_Logout");
  CHECK(p11->C_Login(s, CKU_USER, user_pin, 8), "C_Login user");

  /* DER of OID 1.3.101.112 (id-Ed25519, RFC 8410). */
  CK_BYTE ed25519_oid[] = { 0x06, 0x03, 0x2b, 0x65, 0x70 };
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_ATTRIBUTE pub_tmpl[] = {
    { CKA_EC_PARAMS, ed25519_oid, sizeof ed25519_oid },
    { CKA_TOKEN, &no, sizeof no },
    { CKA_VERIFY, &yes, sizeof yes },
  };
  CK_ATTRIBUTE priv_tmpl[] = {
    { CKA_TOKEN, &no, sizeof no },
    { CKA_PRIVATE, &yes, sizeof yes },
    { CKA_SENSITIVE, &yes, sizeof yes },
    { CKA_EXTRACTABLE, &no, sizeof no },
    { CKA_SIGN, &yes, sizeof yes },
  };
  CK_MECHANISM gen = { CKM_EC_EDWARDS_KEY_PAIR_GEN, NULL, 0 };
  CK_OBJECT_HANDLE pub, priv;
  CHECK(p11->C_GenerateKeyPair(s, &gen, pub_tmpl, 3, priv_tmpl, 5, &pub, &priv), "C_GenerateKeyPair (Ed25519)");

  /* The key must refuse to leave the token. */
  CK_BYTE value[64];
  CK_ATTRIBUTE get_value = { CKA_VALUE, value, sizeof value };
  if (p11->C_GetAttributeValue(s, priv, &get_value, 1) == CKR_OK && get_value.ulValueLen != (CK_ULONG)-1) fail("private key value is readable", 0);

  CK_BYTE point[64];
  CK_ATTRIBUTE get_point = { CKA_EC_POINT, point, sizeof point };
  CHECK(p11->C_GetAttributeValue(s, pub, &get_point, 1), "C_GetAttributeValue CKA_EC_POINT");

  CK_BYTE msg[64];
  memset(msg, 0x61, sizeof msg);
  CK_BYTE sig[64];
  CK_ULONG sig_len = sizeof sig;
  CK_MECHANISM eddsa = { CKM_EDDSA, NULL, 0 };
  CHECK(p11->C_SignInit(s, &eddsa, priv), "C_SignInit (CKM_EDDSA)");
  CHECK(p11->C_Sign(s, msg, sizeof msg, sig, &sig_len), "C_Sign");

  printf("{");
  hex("ecPoint", point, get_point.ulValueLen);
  printf(", ");
  hex("message", msg, sizeof msg);
  printf(", ");
  hex("signature", sig, sig_len);
  printf("}\n");
  fflush(stdout);

  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    if (strncmp(line, "quit", 4) == 0) break;
    double budget = 0;
    if (sscanf(line, "run %lf", &budget) != 1) fail("bad command", 0);
    unsigned long ops = 0;
    double t0 = now_ms(), t = t0;
    while (t - t0 < budget || ops < 3) {
      sig_len = sizeof sig;
      CHECK(p11->C_SignInit(s, &eddsa, priv), "C_SignInit (CKM_EDDSA)");
      CHECK(p11->C_Sign(s, msg, sizeof msg, sig, &sig_len), "C_Sign");
      ops++;
      t = now_ms();
    }
    printf("{\"ops\": %lu, \"ms\": %.3f}\n", ops, t - t0);
    fflush(stdout);
  }
  p11->C_Logout(s);
  p11->C_CloseSession(s);
  p11->C_Finalize(NULL);
  return 0;
}
