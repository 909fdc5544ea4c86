import { computeSemanticDiff, type AnalysisContext, type SemanticFileChange } from '@conman/core';

export function contextFor(
  files: SemanticFileChange[],
  gateFailures: AnalysisContext['gateFailures'] = [],
): AnalysisContext {
  return {
    changeset: {
      id: '64b000000000000000000001',
      title: 'Customer tweaks',
      description: 'Rename and clean up',
    },
    diff: computeSemanticDiff({ baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40), files }),
    files,
    gateFailures,
  };
}
