/** Buy Now test data: what a shop's checkout.js handlers return (spec 12 §12.2.3). */

export const JPY = (amount: string) => ({ amount, currencyCode: 'JPY' });

/** What a shop's onInitCheckout returns for one 1,980 JPY tea plus shipping (spec 12 §12.2.3). */
export function teaCart(shipping: 'standard' | 'express' = 'standard') {
  const fee = shipping === 'standard' ? '500' : '1200';
  return {
    lineItems: [
      {
        id: 'sencha',
        title: '静岡 深蒸し煎茶',
        variantTitle: '100 g',
        quantity: '2',
        listPrice: JPY('990'),
        totalListPrice: JPY('1980'),
      },
    ],
    deliveryOptions: [
      {
        id: 'standard',
        price: JPY('500'),
        shippingMethod: { shippingMethodName: '通常配送', shippingMethodCode: 'standard' },
        shippingEstimate: [{ timeUnit: 'DAY', value: 3 }],
        isDefault: shipping === 'standard',
      },
      {
        id: 'express',
        price: JPY('1200'),
        shippingMethod: { shippingMethodName: 'お急ぎ便', shippingMethodCode: 'express' },
        isDefault: shipping === 'express',
      },
    ],
    totalBaseAmount: JPY('1980'),
    totalShippingAmount: JPY(fee),
    totalTaxAmount: JPY('0'),
    totalChargeAmount: JPY(String(1980 + Number(fee))),
  };
}
