/**
 * zod schemas shared by the auth and tenant routes (request and response shapes); the OpenAPI
 * document is generated from these.
 */
import { z } from 'zod';
import { tenantRoles } from './caller';

/** An e-mail address as typed by a person (trimmed; compared case-insensitively). */
export const emailSchema = z.string().trim().max(254).email().meta({ example: 'chu.shop@example.vn' });

/** A password as submitted; strength is checked by the password policy, not here. */
export const passwordInputSchema = z.string().min(1).max(1024).meta({ example: 'mat-khau-that-dai-2024' });

/** A membership role. */
export const roleSchema = z.enum(tenantRoles);

/** A uuid path parameter. */
export const uuidSchema = z.string().uuid();

/** The token pair returned by sign-up, login, refresh and invitation acceptance. */
export const tokenPairSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().meta({ description: 'Giây · seconds' }),
});

/** A signed-in person. */
export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  platform_admin: z.boolean(),
});

/** One tenant a person belongs to. */
export const membershipSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  role: roleSchema,
  status: z.string(),
});

/** Response of login / sign-up / invitation acceptance. */
export const sessionResponseSchema = tokenPairSchema.extend({
  user: userSchema,
  tenant: membershipSchema.nullable(),
  tenants: z.array(membershipSchema),
});

/** Body of refresh and logout. */
export const refreshBodySchema = z.object({ refresh_token: z.string().min(10).max(200) });
