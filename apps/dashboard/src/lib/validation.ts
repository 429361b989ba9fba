/** Field rules shared by the forms (messages are translation keys). */
import { z } from 'zod';

/** An e-mail address. */
export const emailField = z.string().trim().min(1, 'validation.emailRequired').pipe(z.email('validation.email'));

/** A new password, following the runtime's policy (10–256 characters). */
export const newPasswordField = z.string().min(10, 'validation.passwordMin').max(256, 'validation.passwordMax');

/** A password being typed to sign in (any length; the server decides). */
export const passwordField = z.string().min(1, 'validation.passwordRequired');
