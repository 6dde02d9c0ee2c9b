## Staff web console: campaign staff's pages (src/console/campaigns.ts, campaign-pages.ts)

console-nav-cases = Cases
console-nav-campaigns = Campaigns
console-forbidden-campaigns = The campaign pages are for campaign staff and administrators.
console-forbidden-cases = Campaign staff do not handle cases, so case pages are not available to you. Your pages are the campaigns.

## List
console-campaigns-title = Campaigns
console-campaigns-empty = No campaigns yet. Choose "New campaign" to write the first one.
console-campaign-new = New campaign
console-campaign-edit = Edit campaign
console-campaign-next-run = Next run
console-campaign-last-run = Last run
console-campaign-status = Status
console-campaign-status-draft = Draft
console-campaign-status-scheduled = Scheduled
console-campaign-status-paused = Paused
console-campaign-status-done = Done
console-campaign-status-cancelled = Cancelled
console-campaign-schedule-none = Not scheduled
console-campaign-schedule-once = Once, { $at } (Bangkok time)
console-campaign-schedule-cron = Repeats: { $cron } (Bangkok time)
console-campaign-not-found-title = Campaign not found
console-campaign-not-found = There is no campaign at this address.

## Composer
console-campaign-about = About the campaign
console-campaign-name = Name (seen by staff only)
console-campaign-id = Campaign id
console-campaign-id-hint = Lowercase letters, digits and dashes, e.g. gifts-new-year. Leave it empty and one is made for you; it cannot be changed later.
console-campaign-description = Description (staff only)
console-campaign-content-th = Thai
console-campaign-content-en = English
console-campaign-content-hint = Up to five messages per language, sent in this order. Choose "No message" to leave a slot out; after saving or previewing, one more empty slot appears.
console-campaign-message = Message { $n }
console-campaign-message-kind = Kind
console-campaign-kind-none = No message
console-campaign-kind-text = Text
console-campaign-kind-image = Image
console-campaign-kind-flex = Flex message
console-campaign-text = Text
console-campaign-image-url = Image address (https://, JPEG or PNG)
console-campaign-image-preview-url = Small preview image address (optional; the image itself if empty)
console-campaign-flex-alt = Alternative text (shown in notifications and chat lists)
console-campaign-flex-json = Flex JSON (a bubble or a carousel, as in LINE's Flex Message Simulator)
console-campaign-audience = Audience
console-campaign-topics = Topics (subscribers who follow any of them)
console-campaign-default-locale = Subscribers whose language has no content receive
console-campaign-audience-hint = Thai-language subscribers receive the Thai messages and English-language subscribers the English ones; a language left empty receives the language chosen above.
console-campaign-schedule = Schedule
console-campaign-schedule-kind = When
console-campaign-schedule-kind-none = Not yet (draft)
console-campaign-schedule-kind-once = Once
console-campaign-schedule-kind-cron = Repeating
console-campaign-at = Date and time (for "Once")
console-campaign-cron = Repeat rule (for "Repeating"): minute hour day month weekday
console-campaign-cron-hint = For example "0 10 * * 2" is every Tuesday at 10:00, and "30 8 1 * *" the first of each month at 08:30.
console-campaign-start-at = Repeat from (optional)
console-campaign-end-at = Repeat until (optional)
console-campaign-time-zone = All times are Bangkok time (Asia/Bangkok, UTC+7).
console-campaign-quiet-hours = Respect quiet hours
console-campaign-quiet-start = Quiet from
console-campaign-quiet-end = Quiet until
console-campaign-quiet-off = Off (may be sent at night)
console-campaign-quiet-hint = A run due in quiet hours waits until they end. Turn them off only for an urgent notice.
console-campaign-preview = Preview, as LINE shows it
console-campaign-preview-hint = Drawn from the draft as it was when you chose "Preview"; after a change, choose "Preview" again. Flex colours are close to, not exactly, what LINE shows.
console-campaign-preview-image = Campaign image
console-campaign-preview-empty-flex = This Flex message has nothing the preview can draw; send a test to see it in LINE.
console-campaign-test-language = Language of the test
console-campaign-actions-hint = "Send a test to my LINE" sends the draft to your own chat with this account without saving it. "Save as draft" keeps it unscheduled; "Save and schedule" saves it and starts its schedule.
console-campaign-do-preview = Preview
console-campaign-do-test = Send a test to my LINE
console-campaign-do-save = Save as draft
console-campaign-do-schedule = Save and schedule
console-campaign-do-pause = Pause
console-campaign-do-resume = Resume
console-campaign-do-cancel = Cancel campaign
console-campaign-has-problems = { $n ->
    [one] One field needs a change before this can be saved; it is marked below.
   *[other] { $n } fields need a change before this can be saved; they are marked below.
}

## Problems (the field is named before each)
console-campaign-error-empty = may not be empty.
console-campaign-error-too-long = is too long: at most { $n } characters.
console-campaign-error-https = must be an https:// address.
console-campaign-error-no-messages = needs at least one message.
console-campaign-error-too-many-messages = at most { $n } messages per language (LINE's limit).
console-campaign-error-date = is not a date and time.
console-campaign-error-schedule-one = choose either one date and time or a repeat rule.
console-campaign-error-clock = must be a time such as 21:00.
console-campaign-error-id = must be 2 to 63 lowercase letters, digits or dashes.
console-campaign-error-topics = choose at least one topic.
console-campaign-error-no-language = write the messages in at least one language.
console-campaign-error-default-locale = has no messages in that language.
console-campaign-error-end-before-start = must be after the start.
console-campaign-error-schedule-required = is needed to schedule the campaign: choose "Once" or "Repeating".
console-campaign-error-past = is already past.
console-campaign-error-after-end = is after the end of the repeat.
console-campaign-error-no-occurrence = never happens before the end of the repeat.
console-campaign-error-flex-size = is { $n } bytes; LINE accepts at most { $max }.
console-campaign-error-carousel = a carousel needs 1 to { $n } bubbles.
console-campaign-error-json = is not valid JSON.
console-campaign-error-unknown-field = is not a field LINE knows here.
console-campaign-error-type = choose text, image or Flex.
console-campaign-error-choice = is not one of the choices.
console-campaign-error-required = is required.
console-campaign-error-id-taken = is used by another campaign; choose another id.
console-campaign-error-cron = must have five parts: minute hour day month weekday.
console-campaign-error-other = is not accepted: { $detail }

## Notices
console-campaign-notice-saved = Campaign saved as a draft.
console-campaign-notice-scheduled = Campaign scheduled.
console-campaign-notice-paused = Campaign paused: nothing more is sent until you resume it.
console-campaign-notice-resumed = Campaign resumed.
console-campaign-notice-cancelled = Campaign cancelled.
console-campaign-notice-cannot-schedule = The campaign cannot be scheduled as it is: edit its schedule first.
console-campaign-notice-state = The campaign cannot be changed now (it has finished, was cancelled, or changed meanwhile). Reload and try again.
console-campaign-notice-saved-not-scheduled = Saved as a draft, but not scheduled: see the marked field.
console-campaign-notice-test-sent = Test sent to your LINE chat with this account.
console-campaign-notice-test-failed = The test could not be sent to LINE just now. Please try again.

## Runs
console-runs = Runs
console-runs-refresh = Refresh
console-runs-empty = No runs yet.
console-run-sent = Sent { $n }
console-run-failed = Failed { $n }
console-run-remaining = Remaining { $n }
console-run-skipped = Skipped { $n }
console-run-status-pending = Due
console-run-status-waiting = Waiting (quiet hours)
console-run-status-delivering = Sending
console-run-status-interrupted = Interrupted (resumes)
console-run-status-done = Done
console-run-status-skipped = Skipped
console-run-status-failed = Failed
console-run-status-cancelled = Cancelled
console-run-reason-quiet-hours = Waits for the end of the quiet hours.
console-run-reason-superseded = A newer run of the campaign took its place.
console-run-reason-cancelled = The campaign was cancelled.
console-run-reason-missed = Missed while the service was down; the campaign had ended before it could run.
console-run-reason-ended = The campaign ended before this run could start.
console-run-reason-gave-up = Given up after { $n } attempts.

## Audience by province and reach
console-campaign-provinces = Provinces
console-campaign-provinces-all = every province
console-campaign-provinces-some = { $n ->
    [one] one province
   *[other] { $n } provinces
}
console-campaign-provinces-hint = Tick provinces to send only to subscribers who chose one of them; subscribers who chose no province then do not receive it. Tick none to reach every province.
console-campaign-reach = Opened and clicked (LINE)
console-campaign-reach-figures = opened { $opened } · clicked { $clicked }
