import { z } from "zod";
import { storableText } from "./input-rules";

/** What a valid account looks like; shared by the server and the sign-up form. */

export const PASSWORD_MIN_LENGTH = 8;
// argon2 hashes any length, but an unbounded password is a cheap way to make the server hash megabytes.
export const PASSWORD_MAX_LENGTH = 200;

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(320, "That email address is too long.")
  .pipe(z.email("Enter a valid email address, like you@example.com."));

export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`);

export const signUpSchema = z.object({
  name: storableText().trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
  email: emailSchema,
  password: newPasswordSchema,
});
