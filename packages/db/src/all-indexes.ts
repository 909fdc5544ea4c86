import type { IndexSpec } from './indexes';
import { auditIndexSpecs } from './audit';
import {
  apiKeyIndexSpecs,
  appIndexSpecs,
  environmentIndexSpecs,
  inviteIndexSpecs,
  membershipIndexSpecs,
  notificationPreferenceIndexSpecs,
  passwordResetTokenIndexSpecs,
  sessionIndexSpecs,
  userIndexSpecs,
} from './identity';
import { jobIndexSpecs, jobLogIndexSpecs } from './jobs';
import { outboxIndexSpecs } from './mail';
import {
  changesetCommentIndexSpecs,
  changesetIndexSpecs,
  changesetReviewIndexSpecs,
  changesetRevisionIndexSpecs,
} from './changesets';
import { workspaceIndexSpecs } from './workspaces';

/** Every index the server ensures at startup; each domain adds its repositories' spec lists here. */
export const allIndexSpecs: readonly IndexSpec[] = [
  ...userIndexSpecs,
  ...sessionIndexSpecs,
  ...appIndexSpecs,
  ...environmentIndexSpecs,
  ...membershipIndexSpecs,
  ...inviteIndexSpecs,
  ...passwordResetTokenIndexSpecs,
  ...apiKeyIndexSpecs,
  ...notificationPreferenceIndexSpecs,
  ...auditIndexSpecs,
  ...outboxIndexSpecs,
  ...jobIndexSpecs,
  ...jobLogIndexSpecs,
  ...changesetIndexSpecs,
  ...changesetRevisionIndexSpecs,
  ...changesetReviewIndexSpecs,
  ...changesetCommentIndexSpecs,
  ...workspaceIndexSpecs,
];
