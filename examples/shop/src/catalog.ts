import type { Lang } from './i18n.js';

/** The shop's products. Prices are integer yen, tax included (as Japanese retail prices are shown). */
export interface Product {
  readonly id: string;
  readonly name: Readonly<Record<Lang, string>>;
  readonly description: Readonly<Record<Lang, string>>;
  readonly price: number;
  /** One kanji for the product's picture tile. */
  readonly mark: string;
}

export const PRODUCTS: readonly Product[] = [
  {
    id: 'matcha',
    name: { ja: '宇治抹茶 30g', en: 'Uji matcha, 30 g' },
    description: { ja: '石臼挽きの濃茶用抹茶。', en: 'Stone-ground matcha for koicha.' },
    price: 1980,
    mark: '抹',
  },
  {
    id: 'kyusu',
    name: { ja: '常滑焼の急須', en: 'Tokoname teapot (kyusu)' },
    description: { ja: '朱泥の横手急須、容量 300ml。', en: 'Red clay side-handle teapot, 300 ml.' },
    price: 4800,
    mark: '急',
  },
  {
    id: 'yunomi',
    name: { ja: '有田焼の湯呑み', en: 'Arita teacup (yunomi)' },
    description: { ja: '白磁に藍の染付。', en: 'White porcelain with indigo decoration.' },
    price: 1200,
    mark: '湯',
  },
  {
    id: 'sencha',
    name: { ja: '静岡深蒸し煎茶 100g', en: 'Shizuoka fukamushi sencha, 100 g' },
    description: { ja: '毎日飲みたい、まろやかな煎茶。', en: 'A mellow everyday green tea.' },
    price: 980,
    mark: '煎',
  },
];

export function productById(id: string): Product | undefined {
  return PRODUCTS.find((p) => p.id === id);
}
