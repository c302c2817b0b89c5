import { runSimulation } from "@cloud-copilot/iam-simulate";

export const ACCOUNT = "111122223333";

export interface IamQuestion {
  readonly action: string;
  readonly resource: string;
  /** Request context: tags on the request or resource, the boundary a role is created with ... */
  readonly context?: Record<string, string | string[]>;
}

/**
 * Asks a real IAM policy evaluator (@cloud-copilot/iam-simulate: identity policies, explicit
 * denies, conditions) whether a principal with `policy` may do what `question` says.
 */
export async function decide(policy: object, question: IamQuestion): Promise<"Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied"> {
  const response = await runSimulation(
    {
      identityPolicies: [{ name: "under-test", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/under-test`,
        action: question.action,
        resource: { resource: question.resource, accountId: ACCOUNT },
        contextVariables: question.context ?? {},
      },
    } as Parameters<typeof runSimulation>[0],
    {},
  );
  if (response.resultType === "error") throw new Error(`the simulator rejected ${question.action} on ${question.resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult as "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";
}
