// Page object for the studio: the e2e tests speak of areas and controls, not of selectors.
import { test as base, expect, type Page } from '@playwright/test';

export type AreaName =
  | 'Data'
  | 'Extract'
  | 'Generate'
  | 'Train'
  | 'Search'
  | 'Evaluate'
  | 'Refine'
  | 'Images'
  | 'Runs'
  | 'Models'
  | 'System';

export class Studio {
  constructor(readonly page: Page) {}

  /** Open the studio at an area, optionally with config overrides in the URL. */
  async open(area: AreaName = 'Data', overrides: string[] = []): Promise<void> {
    const query = overrides.length ? `?${overrides.join('&')}` : '';
    await this.page.goto(`./#/${area.toLowerCase()}${query}`);
    await expect(this.page.getByRole('heading', { level: 2, name: area, exact: true })).toBeVisible();
  }

  async goTo(area: AreaName): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Studio areas' })
      .getByRole('link', { name: area })
      .click();
    await expect(this.page.getByRole('heading', { level: 2, name: area, exact: true })).toBeVisible();
  }

  /** The studio's visible messages (errors, warnings, info). */
  get messages() {
    return this.page.getByRole('region', { name: 'Messages' });
  }
}

export const test = base.extend<{ studio: Studio }>({
  studio: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await use(new Studio(page));
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };
