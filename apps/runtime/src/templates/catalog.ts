/** The industry templates the runtime ships, in the order the wizard shows them. */
import { NotFoundError } from '@agent-chatbot/core';
import { educationTemplate } from './data/education';
import { restaurantTemplate } from './data/restaurant';
import { shopTemplate } from './data/shop';
import { spaTemplate } from './data/spa';
import type { IndustryTemplate } from './template-types';

/** Every template: shop, spa, restaurant, education. */
export const industryTemplates: readonly IndustryTemplate[] = [shopTemplate, spaTemplate, restaurantTemplate, educationTemplate];

/** The template with this id; 404 (bilingual) for an unknown id. */
export function findTemplate(id: string): IndustryTemplate {
  const found = industryTemplates.find((t) => t.id === id);
  if (!found) throw new NotFoundError(`Unknown template "${id}"`, `Không có mẫu ngành "${id}"`);
  return found;
}

/** The FAQ tag every entry of a template carries (`mau:spa`), so its entries can be found again. */
export const templateTag = (id: string): string => `mau:${id}`;
