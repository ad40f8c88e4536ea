import { BUYER_ROUTES } from './routes-buyers.js';
import { CHECKOUT_ROUTES } from './routes-checkout.js';
import { DISPUTE_ROUTES, DISPUTE_TESTING_ROUTES } from './routes-disputes.js';
import { PAYMENT_ROUTES } from './routes-payments.js';
import { REPORT_ROUTES } from './routes-reports.js';
import { TESTING_ROUTES } from './routes-testing.js';
import type { ApiRoute } from './route-table.js';

/**
 * Every operation of the API, in the order the router tries them (the order also lists the allowed methods of
 * a 405 answer). To add an operation: see docs/architecture.md ("The route table").
 */
export const API_ROUTES: readonly ApiRoute[] = [
  ...CHECKOUT_ROUTES,
  ...PAYMENT_ROUTES,
  ...DISPUTE_ROUTES,
  ...REPORT_ROUTES,
  ...TESTING_ROUTES,
  ...DISPUTE_TESTING_ROUTES,
  ...BUYER_ROUTES,
];
