/** The stateful stack of an environment: `<environment>-data` (Cognito and the table). */
export function dataStackName(environment: string): string {
  return `${environment}-data`;
}
