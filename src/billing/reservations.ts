/** Credits held by requests in flight, per user and per key, in micro-credits. */
export class Reservations {
  readonly #users = new Map<number, number>();
  readonly #keys = new Map<number, number>();

  ofUser(userId: number): number {
    return this.#users.get(userId) ?? 0;
  }

  ofKey(keyId: number): number {
    return this.#keys.get(keyId) ?? 0;
  }

  add(userId: number, keyId: number, amount: number): void {
    if (amount === 0) return;
    this.#users.set(userId, this.ofUser(userId) + amount);
    this.#keys.set(keyId, this.ofKey(keyId) + amount);
  }

  release(userId: number, keyId: number, amount: number): void {
    if (amount === 0) return;
    Reservations.#lower(this.#users, userId, amount);
    Reservations.#lower(this.#keys, keyId, amount);
  }

  /** Entries that reach zero go, so the maps hold only who has requests in flight. */
  static #lower(map: Map<number, number>, id: number, amount: number): void {
    const left = (map.get(id) ?? 0) - amount;
    if (left > 0) map.set(id, left);
    else map.delete(id);
  }
}
