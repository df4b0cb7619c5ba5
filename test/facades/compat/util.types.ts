// Type-level checks for the compatibility files: each is `true` or a compile error names the member.
export type Assert<T extends true> = T;
export type Not<T extends boolean> = T extends true ? false : true;
export type IsAny<T> = 0 extends 1 & T ? true : false;

type Fn = (...args: never[]) => unknown;

/** Every argument list `Real[K]` takes is accepted by `Ours[K]`. */
export type AcceptsArgs<Real, Ours, K extends keyof Real & keyof Ours> = {
  [M in K]: Real[M] extends Fn ? Ours[M] extends Fn ? (Parameters<Real[M]> extends Parameters<Ours[M]> ? true : { method: M; error: 'does not accept the real arguments' }) : never : never;
}[K] extends true ? true : { methods: K; error: 'argument mismatch' };

/** Every result of `Ours[K]` is a result `Real[K]` promises. */
export type ReturnsWithin<Real, Ours, K extends keyof Real & keyof Ours> = {
  [M in K]: Real[M] extends Fn ? Ours[M] extends Fn ? (ReturnType<Ours[M]> extends ReturnType<Real[M]> ? true : { method: M; error: 'returns what the real one does not' }) : never : never;
}[K] extends true ? true : { methods: K; error: 'result mismatch' };
