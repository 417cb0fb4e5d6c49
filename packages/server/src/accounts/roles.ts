// Operator roles. A route names the roles that may call it; an operator holds one or more.
// `admin` does not imply the others: a route that admins may call lists `admin` explicitly, so
// reading one route's declaration tells the whole story.
export const OPERATOR_ROLES = ['finance', 'risk', 'support', 'admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export function isOperatorRole(value: string): value is OperatorRole {
  return (OPERATOR_ROLES as readonly string[]).includes(value);
}

// Routes name their roles in the HTTP kernel's terms; this makes those terms ours.
declare module '../http/endpoint.ts' {
  interface EndpointVocabulary {
    readonly role: OperatorRole;
  }
}
