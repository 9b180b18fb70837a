/**
 * The largest balance: far above any real one, and below 2^53 so every figure stays an exact JSON
 * number for clients. No charge is larger either: nothing could pay it.
 */
export const MAX_BALANCE = 9_000_000_000_000_000;
