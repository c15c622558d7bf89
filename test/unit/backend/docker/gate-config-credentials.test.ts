import { expect, test } from "bun:test";
import * as v from "valibot";
import { gateSecretNames } from "../../../../src/backend/docker/gate-config.ts";
import { EgressSchema } from "../../../../src/manifest/egress-schema.ts";

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
  expect(gateSecretNames(egress)).toEqual(["A", "GH_TOKEN", "NPM_USER"]);
});
