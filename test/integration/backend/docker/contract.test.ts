import { dockerBackend } from "../../../../src/backend/docker/index.ts";
import { runBackendContract } from "../../../helpers/backend-contract.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { busyboxImage, busyboxSpec, labelled, testDeps } from "./fixtures.ts";

describeEngine("docker backend contract", () => {
  runBackendContract(async () => {
    await busyboxImage();
    return {
      backend: dockerBackend,
      deps: () => testDeps(),
      spec: () => busyboxSpec({}, { agent: { image: "bottle-test-busybox:1", command: ["sh", "-c"], skills: [], env: {}, bottle: "default" } }),
      leftovers: labelled,
    };
  });
});
