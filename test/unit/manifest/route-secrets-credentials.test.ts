import { expect, test } from "bun:test";
import * as v from "valibot";
import { EgressSchema } from "../../../src/manifest/egress-schema.ts";
import { routeSecretNames } from "../../../src/manifest/route-secrets.ts";

test("the gate is handed the variables its credentials inject, by name, after the routes' ones", () => {
  const egress = v.parse(EgressSchema, {
    allow: ["api.github.com", "npm.example"],
    tls: { inspect: true },
    routes: [{ name: "r", upstream: "https://api.example.com", inject: { header: "authorization", value: "Bearer ${A}" } }],
    credentials: [
      { host: "api.github.com", header: "authorization", value: "Bearer ${GH_TOKEN}" },
      { host: "npm.example", header: "authorization", value: "Basic ${NPM_USER}:${A}" },
    ],
  });
  expect(routeSecretNames(egress)).toEqual(["A", "GH_TOKEN", "NPM_USER"]);
});
