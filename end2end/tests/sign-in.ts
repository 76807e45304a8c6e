import { expect, type Page } from "@playwright/test";

/** The portal under test (set by `make e2e`). */
export const portalOrigin = new URL(process.env.AIGOV_PUBLIC_URL ?? "http://127.0.0.1:3100").origin;

/** Demo users of the development identity provider; each password is the name. */
export type DemoUser = "alice" | "bob" | "carol" | "dave" | "erin";

/** Fills the identity provider's login form, which `page` must be showing. */
export async function submitLoginForm(page: Page, user: DemoUser): Promise<void> {
  await expect(page.getByLabel("Username")).toBeVisible();
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(user);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * Opens `path` as `user`: the portal sends the browser to the identity
 * provider, the user signs in there, and the portal brings them back.
 */
export async function signInAt(page: Page, user: DemoUser, path = "/"): Promise<void> {
  await page.goto(path);
  await submitLoginForm(page, user);
  await page.waitForURL((url) => url.origin === portalOrigin && !url.pathname.startsWith("/auth/"));
  await expect(page.getByTestId("user-name")).toBeVisible();
}
