// The catalog's stock: fixed sample data, so the demo and the tests see the same items in every environment.
/** @typedef {{ id: string, name: string, priceCents: number, currency: string }} Item */

/** @type {readonly Item[]} */
export const items = Object.freeze([
  { id: 'sku-1001', name: 'Espresso beans, 1 kg', priceCents: 2400, currency: 'EUR' },
  { id: 'sku-1002', name: 'Ceramic pour-over dripper', priceCents: 3200, currency: 'EUR' },
  { id: 'sku-1003', name: 'Burr grinder', priceCents: 12900, currency: 'EUR' },
  { id: 'sku-1004', name: 'Paper filters, 100 pack', priceCents: 600, currency: 'EUR' },
]);
