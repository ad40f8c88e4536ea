import { fail, ok, type Result } from './errors.js';
import { add, compare, display, equals, subtract, zero, type CurrencyCode, type Money } from './money.js';
import type { Address } from './shared-types.js';
import type { Instant } from './time.js';

/**
 * Amazon Pay Buy Now: the cart the merchant's checkout.js handlers return (onInitCheckout,
 * onShippingAddressSelection, onDeliveryOptionSelection), shown on the hosted sheet and kept on the session,
 * and Finalize's checks against what the buyer saw (spec 12 §12.2).
 */

export interface ShippingMethod {
  readonly shippingMethodName: string;
  readonly shippingMethodCode: string;
}

export interface ShippingEstimate {
  readonly timeUnit: string;
  readonly value: number;
}

export interface DeliveryOption {
  readonly id: string;
  readonly price: Money;
  readonly shippingMethod: ShippingMethod;
  readonly shippingEstimate: readonly ShippingEstimate[] | null;
  readonly isDefault: boolean;
}

export interface LineItem {
  readonly id: string;
  readonly title: string;
  readonly variantTitle: string | null;
  /** A string on the wire, as Amazon's type says; a whole number of at least 1. */
  readonly quantity: string;
  readonly listPrice: Money;
  readonly totalListPrice: Money;
  readonly discountedPrice: Money | null;
}

export interface CartDetails {
  readonly lineItems: readonly LineItem[] | null;
  readonly deliveryOptions: readonly DeliveryOption[] | null;
  readonly totalShippingAmount: Money;
  readonly totalBaseAmount: Money;
  readonly totalTaxAmount: Money;
  readonly totalDiscountAmount: Money | null;
  readonly totalChargeAmount: Money;
  readonly totalOrderAmount: Money | null;
}

/** What a Buy Now session carries beyond an ordinary one. */
export interface BuyNowState {
  /** The cart the merchant's handlers last returned; null until onInitCheckout answered. */
  readonly cartDetails: CartDetails | null;
  /** When the buyer pressed "place order" on the sheet (onCompleteCheckout then runs; Finalize may follow). */
  readonly placedAt: Instant | null;
  /** The buyer chose another address since the cart was made: the sheet asks onShippingAddressSelection. */
  readonly addressChanged?: boolean;
}

export const EMPTY_BUY_NOW: BuyNowState = { cartDetails: null, placedAt: null };

/** The delivery option the buyer has (isDefault), if the cart has options. */
export function selectedDeliveryOption(cart: CartDetails): DeliveryOption | null {
  const options = cart.deliveryOptions ?? [];
  return options.find((o) => o.isDefault) ?? options[0] ?? null;
}

/**
 * Checks a cart before it is shown: one currency (the session's), totals that add up
 * (base + shipping + tax - discount = charge), line totals = list price × quantity, at most one default option.
 */
export function checkCart(
  cart: CartDetails,
  currency: CurrencyCode,
  options: { readonly shipping: boolean; readonly path: string },
): Result<CartDetails> {
  const p = options.path;
  const amounts: [Money | null, string][] = [
    [cart.totalShippingAmount, 'totalShippingAmount'],
    [cart.totalBaseAmount, 'totalBaseAmount'],
    [cart.totalTaxAmount, 'totalTaxAmount'],
    [cart.totalDiscountAmount, 'totalDiscountAmount'],
    [cart.totalChargeAmount, 'totalChargeAmount'],
    [cart.totalOrderAmount, 'totalOrderAmount'],
  ];
  (cart.lineItems ?? []).forEach((item, i) => {
    amounts.push([item.listPrice, `lineItems[${i}].listPrice`]);
    amounts.push([item.totalListPrice, `lineItems[${i}].totalListPrice`]);
    amounts.push([item.discountedPrice, `lineItems[${i}].discountedPrice`]);
  });
  (cart.deliveryOptions ?? []).forEach((option, i) => {
    amounts.push([option.price, `deliveryOptions[${i}].price`]);
  });
  for (const [amount, path] of amounts) {
    if (amount !== null && amount.currency !== currency)
      return fail('CurrencyMismatch', `${p}.${path}.currencyCode must be ${currency}; got ${amount.currency}.`);
  }
  for (const [i, item] of (cart.lineItems ?? []).entries()) {
    const quantity = Number(item.quantity);
    if (!/^\d+$/.test(item.quantity) || quantity < 1)
      return fail('InvalidParameterValue', `The value provided for ${p}.lineItems[${i}].quantity is invalid.`);
    const expected = item.listPrice.minor * quantity;
    if (item.totalListPrice.minor !== expected) {
      return fail(
        'InvalidParameterValue',
        `The value provided for ${p}.lineItems[${i}].totalListPrice is invalid. It must be listPrice × quantity.`,
      );
    }
  }
  const delivery = cart.deliveryOptions ?? [];
  if (options.shipping && delivery.length === 0) {
    return fail('MissingParameterValue', `${p}.deliveryOptions is required for a PayAndShip Buy Now checkout.`);
  }
  if (delivery.filter((o) => o.isDefault).length > 1)
    return fail('InvalidParameterValue', `The value provided for ${p}.deliveryOptions is invalid. Only one isDefault.`);
  if (new Set(delivery.map((o) => o.id)).size !== delivery.length)
    return fail('InvalidParameterValue', `The value provided for ${p}.deliveryOptions is invalid. Ids must differ.`);
  const sum = subtract(
    add(add(cart.totalBaseAmount, cart.totalShippingAmount), cart.totalTaxAmount),
    cart.totalDiscountAmount ?? zero(currency),
  );
  if (!equals(sum, cart.totalChargeAmount)) {
    return fail(
      'InvalidParameterValue',
      `The value provided for ${p}.totalChargeAmount is invalid. totalBaseAmount + totalShippingAmount + totalTaxAmount - totalDiscountAmount is ${display(sum)}, not ${display(cart.totalChargeAmount)}.`,
    );
  }
  if (cart.totalChargeAmount.minor <= 0)
    return fail(
      'InvalidParameterValue',
      `The value provided for ${p}.totalChargeAmount is invalid. It must be positive.`,
    );
  if (cart.totalOrderAmount !== null && compare(cart.totalOrderAmount, cart.totalChargeAmount) < 0) {
    return fail(
      'InvalidParameterValue',
      `The value provided for ${p}.totalOrderAmount is invalid. It must not be less than totalChargeAmount.`,
    );
  }
  return ok(cart);
}

/** The cart with `optionId` as the buyer's delivery option (the handler's answer may replace it). */
export function chooseDeliveryOption(cart: CartDetails, optionId: string): Result<CartDetails> {
  const options = cart.deliveryOptions ?? [];
  if (!options.some((o) => o.id === optionId))
    return fail('InvalidParameterValue', `The value provided for deliveryOption.id is invalid: ${optionId}.`);
  return ok({ ...cart, deliveryOptions: options.map((o) => ({ ...o, isDefault: o.id === optionId })) });
}

/** Address fields as Amazon compares them: trimmed, empty as null, postal and country codes upper-case. */
function normalized(a: Address): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(a)) {
    const t = typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : null;
    out[key] = t === '' || t === null ? null : key === 'postalCode' || key === 'countryCode' ? t.toUpperCase() : t;
  }
  return out;
}

/** Whether the address a merchant sends back to Finalize is the one Amazon shared. */
export function sameAddress(given: Address, shared: Address): boolean {
  const a = normalized(given);
  const b = normalized(shared);
  return Object.keys(b).every((key) => (a[key] ?? null) === b[key]);
}
