import { flowOfNext as flowOf, type FlowHints, type FlowOfNext as FlowData } from '../../app/flow-of-next.js';
import type { SafeHtml } from '../html.js';
import { cancelForm } from './cancel-pages.js';
import { languageFromHeader } from './i18n.js';
import type { Page } from './page-context.js';

export interface FlowOfNext extends Omit<FlowData, 'cancel'> {
  /** The flow's cancel button, for the pages (sign-in, register) that come before it. */
  readonly cancel?: SafeHtml;
}

/** What the page tells src/app/flow-of-next.ts besides `next`: region and lang (query, else form), the browser's language. */
export function flowHints(p: Page): FlowHints {
  return {
    region: p.url.searchParams.get('region') ?? p.form.get('region'),
    lang: p.url.searchParams.get('lang') ?? p.form.get('lang'),
    browserLang: languageFromHeader(p.req.headers['accept-language']),
  };
}

/** The flow a `next` path belongs to (its marketplace, language and merchant), with its cancel button. */
export async function flowOfNext(p: Page, next: string): Promise<FlowOfNext> {
  const { cancel, ...flow } = await flowOf(p.ctx, next, flowHints(p));
  if (!cancel || flow.merchant === undefined) return flow;
  return { ...flow, cancel: cancelForm(p, flow.lang, cancel.idName, cancel.id, cancel.stage, flow.merchant) };
}
