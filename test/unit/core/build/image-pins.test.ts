import { pinImages, pinnedReference, type ImagePin } from '../../../../core/build/image-pins.js';

const pin: ImagePin = {
  name: 'shop/catalog',
  repository: '127.0.0.1:5000/shop/catalog',
  tag: 'src-0123',
  digest: 'sha256:abc',
};

describe('pinImages', () => {
  it("replaces the overlay's entry for the same name by the built repository and digest, keeping the others", () => {
    const images = [
      { name: 'shop/catalog', newName: '1234.dkr.ecr.us-east-1.amazonaws.com/shop/catalog', newTag: '0.1.0' },
      { name: 'shop/orders', newTag: '0.1.0' },
    ];
    expect(pinImages(images, [pin])).toEqual([
      { name: 'shop/catalog', newName: '127.0.0.1:5000/shop/catalog', digest: 'sha256:abc' },
      { name: 'shop/orders', newTag: '0.1.0' },
    ]);
  });

  it('appends a pin the overlay did not list, and works without an images list', () => {
    expect(pinImages(undefined, [pin])).toEqual([
      { name: 'shop/catalog', newName: '127.0.0.1:5000/shop/catalog', digest: 'sha256:abc' },
    ]);
  });

  it('writes the reference pods run as repository@digest', () => {
    expect(pinnedReference(pin)).toBe('127.0.0.1:5000/shop/catalog@sha256:abc');
  });
});
