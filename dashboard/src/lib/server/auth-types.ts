export type Tokens = { accessToken: string; refreshToken: string; expiresIn: number };

/** A sign-in or refresh the provider refused: `problem` is its problem+json body (or one shaped like it). */
export class AuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly problem: unknown,
  ) {
    super(`auth failed with ${status}`);
  }
}
