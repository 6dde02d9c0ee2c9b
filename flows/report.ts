import { defineFlow } from "../src/conversation/flow";
import { choice } from "../src/conversation/inputs/choice";
import { yesNo } from "../src/conversation/inputs/yes-no";
import { freeText } from "../src/conversation/inputs/free-text";
import { place, type Place } from "../src/conversation/inputs/place";
import { incidentDate } from "../src/conversation/inputs/incident-date";
import { evidence, evidenceCount } from "../src/conversation/inputs/evidence";
import { phone } from "../src/conversation/inputs/phone";

/**
 * Reporting suspected misconduct: consent, what kind, which agency, where, when, what happened,
 * who, evidence, whether to hear back — then a review where any answer can be changed.
 */
export const reportFlow = defineFlow({
  id: "report",
  version: 1,
  start: "consent",
  cancelled: "report-cancelled",
  confirmLeaving: true,
  steps: {
    consent: {
      kind: "ask",
      prompt: "report-consent",
      input: yesNo({ yes: "choice-consent-yes", no: "choice-consent-no", error: "input-consent" }),
      next: { pick: (answer) => String(answer), to: { yes: "category", no: { end: "report-declined" } } },
    },
    category: {
      kind: "ask",
      prompt: "report-category",
      reviewLabel: "review-category",
      input: choice([
        { value: "bribery", label: "category-bribery", words: "words-category-bribery" },
        { value: "embezzlement", label: "category-embezzlement", words: "words-category-embezzlement" },
        { value: "procurement", label: "category-procurement", words: "words-category-procurement" },
        {
          value: "abuse-of-authority",
          label: "category-abuse-of-authority",
          words: "words-category-abuse-of-authority",
        },
        {
          value: "conflict-of-interest",
          label: "category-conflict-of-interest",
          words: "words-category-conflict-of-interest",
        },
        { value: "extortion", label: "category-extortion", words: "words-category-extortion" },
        { value: "other", label: "category-other", words: "words-category-other" },
      ]),
      next: "agencyType",
    },
    agencyType: {
      kind: "ask",
      prompt: "report-agency-type",
      reviewLabel: "review-agency-type",
      input: choice([
        {
          value: "local-government",
          label: "agency-local-government",
          words: "words-agency-local-government",
        },
        {
          value: "district-province",
          label: "agency-district-province",
          words: "words-agency-district-province",
        },
        { value: "police", label: "agency-police", words: "words-agency-police" },
        { value: "education", label: "agency-education", words: "words-agency-education" },
        { value: "health", label: "agency-health", words: "words-agency-health" },
        {
          value: "state-enterprise",
          label: "agency-state-enterprise",
          words: "words-agency-state-enterprise",
        },
        {
          value: "central-government",
          label: "agency-central-government",
          words: "words-agency-central-government",
        },
        { value: "other", label: "agency-other", words: "words-agency-other" },
      ]),
      next: "agencyName",
    },
    agencyName: {
      kind: "ask",
      prompt: "report-agency-name",
      reviewLabel: "review-agency-name",
      input: freeText({ min: 2, max: 200 }),
      next: "place",
    },
    place: {
      kind: "ask",
      prompt: "report-place",
      reviewLabel: "review-place",
      input: place(),
      next: {
        pick: (answer) => (answer as Place).kind,
        // A shared location's follow-up questions stay inside the step (see inputs/place.ts).
        to: { district: "when", province: "placeDescription", outside: "placeDescription" },
      },
    },
    placeDescription: {
      kind: "ask",
      prompt: "report-place-description",
      reviewLabel: "review-place-description",
      input: freeText({ min: 2, max: 300 }),
      next: "when",
    },
    when: {
      kind: "ask",
      prompt: "report-when",
      reviewLabel: "review-when",
      input: incidentDate(),
      next: "narrative",
    },
    narrative: {
      kind: "ask",
      prompt: "report-narrative",
      reviewLabel: "review-narrative",
      input: freeText({ min: 20, max: 5000 }),
      next: "people",
    },
    people: {
      kind: "ask",
      prompt: "report-people",
      reviewLabel: "review-people",
      input: freeText({ min: 2, max: 1000, optional: true }),
      next: "evidence",
    },
    evidence: {
      kind: "ask",
      prompt: "report-evidence",
      // The prompt names the button on screen: "no evidence" before the first item, "done" after it.
      promptArgs: (answers) => ({ count: evidenceCount(answers.evidence) }),
      reviewLabel: "review-evidence",
      input: evidence({ max: 10, locations: true }),
      next: "updates",
    },
    updates: {
      kind: "ask",
      prompt: "report-updates",
      reviewLabel: "review-updates",
      input: yesNo({ yes: "choice-updates-yes", no: "choice-updates-no", error: "input-updates" }),
      next: { pick: (answer) => String(answer), to: { yes: "contactPhone", no: "review" } },
    },
    contactPhone: {
      kind: "ask",
      prompt: "report-contact-phone",
      reviewLabel: "review-contact-phone",
      input: phone(),
      next: "review",
    },
    review: { kind: "review", prompt: "report-review", submit: "submit-tip" },
  },
});
