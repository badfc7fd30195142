// Orders live in one JSON file on the pod's persistent volume (an EBS gp3 volume in the cluster). Writes go to a
// temporary file first and are renamed into place, so a pod killed mid-write never leaves a torn file.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** @typedef {{ id: string, itemId: string, quantity: number, createdAt: string }} Order */

export class OrderStore {
  /** @param {string} dir */
  constructor(dir) {
    this.file = join(dir, 'orders.json');
    this.dir = dir;
    /** @type {Order[]} */
    this.orders = [];
    // Serializes writes: two concurrent POSTs must not both rename a file holding only their own order.
    this.queue = Promise.resolve();
  }

  /** Loads the existing orders; an absent file is an empty order book. */
  async open() {
    await mkdir(this.dir, { recursive: true });
    try {
      this.orders = JSON.parse(await readFile(this.file, 'utf8'));
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'ENOENT') throw err;
      await this.persist();
    }
  }

  /** @returns {readonly Order[]} */
  list() {
    return this.orders;
  }

  /**
   * @param {string} itemId
   * @param {number} quantity
   * @returns {Promise<Order>}
   */
  add(itemId, quantity) {
    const order = {
      id: `ord-${Date.now().toString(36)}-${this.orders.length + 1}`,
      itemId,
      quantity,
      createdAt: new Date().toISOString(),
    };
    const write = this.queue.then(async () => {
      this.orders = [...this.orders, order];
      await this.persist();
      return order;
    });
    this.queue = write.catch(() => undefined);
    return write;
  }

  async persist() {
    const temporary = `${this.file}.tmp`;
    await writeFile(temporary, JSON.stringify(this.orders, null, 2));
    await rename(temporary, this.file);
  }
}
