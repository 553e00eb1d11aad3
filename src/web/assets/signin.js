// Sign-in and registration of a new restaurant, with the existing auth API.

import { register, signIn } from "./api.js";
import { byId, onSubmit } from "./dom.js";

export function initSignIn(onSignedIn) {
  const submit = (form, action) =>
    onSubmit(
      form,
      byId("signin-error"),
      async () => {
        await action(Object.fromEntries(new FormData(form)));
        return true;
      },
      () => {
        form.reset();
        onSignedIn();
      },
    );
  submit(byId("signin-form"), (f) => signIn(f.email, f.password));
  submit(byId("register-form"), register);
}
