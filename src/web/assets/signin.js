// Sign-in and registration of a new restaurant, with the existing auth API.

import { register, signIn } from "./api.js";
import { byId, reporting } from "./dom.js";

export function initSignIn(onSignedIn) {
  const submit = (form, action) =>
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const fields = Object.fromEntries(new FormData(form));
      const done = await reporting(byId("signin-error"), async () => {
        await action(fields);
        return true;
      });
      if (done) {
        form.reset();
        onSignedIn();
      }
    });
  submit(byId("signin-form"), (f) => signIn(f.email, f.password));
  submit(byId("register-form"), (f) => register(f));
}
