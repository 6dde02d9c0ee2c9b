## Integrity Tipline — English texts (Thai is the primary language)

-clinic = Good Governance Clinic Against Corruption

## Greeting and menu
welcome = Hello, and welcome to the { -clinic }.
    Here you can report suspected corruption in public agencies without revealing who you are, and follow your report with a tracking code.
    Choose from the menu below.
idle-prompt = What would you like to do? Choose from the menu below.
menu-report = Report
menu-status = Check a report
menu-my-reports = My reports
menu-language = ภาษาไทย
menu-help = Help
help = How it works
    • Type "report" to start a report; it takes about 5 minutes.
    • Type your tracking code, or "status", to see progress.
    • While reporting, type "back" to change your previous answer or "cancel" to stop.
    • Type "ภาษาไทย" to switch to Thai.
    Your name and LINE account are never stored with your report.
help-in-flow = Type "back" to change your previous answer, or "cancel" to drop this report. Your answers are kept until you cancel.
flow-in-progress = You have something in progress. Finish it, or type "cancel" before starting something new.
flow-updated = The form has been updated. Your earlier answers are kept; please answer the next question.
language-changed = Switched to English.
nothing-to-cancel = There is nothing in progress right now.
stale-button = That button belongs to an earlier question. Please answer the latest one.
stale-button-no-flow = That button has expired. Choose from the menu below to start again.
back-at-start = This is already the first question.
limit-messages = Messages are arriving too fast. Please wait a moment and send again.
limit-tips-per-day = You have reached today's limit of reports. Please send more tomorrow, or contact the office directly if it is urgent.
limit-wrong-codes = Too many incorrect tracking codes. Please try again in an hour.

## Common buttons
choice-back = Back
choice-cancel = Cancel
choice-skip = Skip
choice-edit = Edit
choice-submit = Submit

## Answer checks
input-expected-text = Please type your answer as text.
input-empty = Nothing was typed. Please type your answer again.
input-no-words = Please use words; emoji or symbols alone are not enough.
input-too-short = That is too short. Please write at least { $min } characters (now { $count }).
input-too-long = That is too long: at most { $max } characters (now { $count }). Please shorten it.
input-choose-option = Please choose one of the buttons below.
input-yes-no = Please choose "yes" or "no" with the buttons below.
input-phone = That phone number does not look right. Type it like 0812345678, or tap "Skip".
input-review = Tap "Submit" to confirm, or "Edit" next to the item you want to change.

## Dates
input-date-unrecognised = I could not read that date. Try "yesterday", "26 Aug 2020", "26/08/2563", or pick it from the calendar.
input-date-future = That date has not happened yet. Please give the date of the incident.
input-date-impossible = That date does not exist. Please check the day and month.
choice-date-today = Today
choice-date-yesterday = Yesterday
choice-date-pick = Pick a date
choice-date-unsure = Not sure
review-date-unknown = Date not known

## Places
input-place-unknown = That district is not in the pilot area. Choose from the list, share a location, or tap "Elsewhere".
input-place-expected = Please type the district name, choose from the list, or share the location.
choice-share-location = Share location
choice-place-outside = Elsewhere
place-picker-title = Choose the district
place-outside-label = Outside the pilot area

## Evidence
input-expected-media = This step takes photos, videos, voice messages or files. Send them now, or tap the button when you are done.
evidence-received = Evidence received: { $count } of { $max }. Send more, or tap "Done".
evidence-max-reached = That is the maximum of { $max } items. Moving on.
evidence-too-large = That file is too large. Please send a smaller file or split it.
evidence-unsupported = This type of file cannot be accepted. Please send a photo, video, audio, PDF or Office document.
evidence-gone = That file can no longer be downloaded (perhaps it was unsent). Please send it again.
evidence-preparing = LINE is still preparing that file. Please send it again in a moment.
evidence-failed = That file could not be received. Please send it again; everything else you entered is kept.
choice-evidence-done = Done
choice-evidence-none = No evidence
review-evidence-count = { $count ->
    [0] none
    [one] 1 item
   *[other] { $count } items
}

## Report form
report-consent = Before we start: your report is not linked to your name or LINE account, it is stored encrypted, and officers will not know who sent it.
    Location and device data are removed from photos (documents and videos may still carry author data; please check before sending).
    The information is used only to look into the report. Agree and start?
choice-consent-yes = Agree, start
choice-consent-no = Not now
report-declined = No problem. Type "report" whenever you are ready.
report-cancelled = This report has been cancelled, and what you sent has been deleted.
report-category = What kind of misconduct is it?
review-category = Kind
category-bribery = Bribery
category-embezzlement = Embezzlement
category-procurement = Bid rigging
category-abuse-of-authority = Abuse of authority
category-conflict-of-interest = Conflict of interest
category-extortion = Extortion
category-other = Other
report-agency-type = What type of agency is involved?
review-agency-type = Agency type
agency-local-government = Local government
agency-district-province = District/province
agency-police = Police
agency-education = School/education
agency-health = Health/hospital
agency-state-enterprise = State enterprise
agency-central-government = Ministry/department
agency-other = Other
report-agency-name = What is the agency's name? For example "San Sai Luang SAO" or "Fang Hospital".
review-agency-name = Agency
report-place = In which district did it happen? Type the district name, choose from the list, or tap "Share location".
review-place = Place
report-place-description = Which province or place? Please describe it briefly.
review-place-description = Place details
report-when = When did it happen? Type e.g. "yesterday", "26 Aug 2020", "early 2020", or pick a date.
review-when = Date
report-narrative = Describe what you saw: what happened, how, and any amounts involved (at least 20 characters).
    Do not include your own name or details.
review-narrative = What happened
report-people = Who was involved (names, positions)? Tap "Skip" if you do not know.
review-people = People involved
report-evidence = Do you have evidence? Send up to 10 photos, videos, voice messages or files, one at a time, then tap "Done".
review-evidence = Evidence
report-updates = Would you like progress updates and officers' questions in this LINE chat?
    Officers will not see who you are either way. If not, you can check progress with your tracking code.
review-updates = Updates
choice-updates-yes = Send me updates
choice-updates-no = No thanks
report-contact-phone = If you are willing to be called by an officer, type a phone number (optional), or tap "Skip".
review-contact-phone = Contact phone
review-not-given = Not given
review-title = Check before sending
report-review = If everything is right, tap "Submit"; or tap "Edit" next to an item to change it.

## Receipt
receipt-alt = Report received. Tracking code { $code }
receipt-title = Your report has been received. Thank you for standing up against corruption.
receipt-code-label = Tracking code (keep it safe; you need it to check progress)
receipt-next-updates = An officer will acknowledge it within 7 days and send updates to this chat without knowing who you are.
receipt-next-anonymous = An officer will acknowledge it within 7 days. We will not message you; check progress with this code.
receipt-how-to-check = To check progress: type this code in the chat, or tap "Check a report".
receipt-copy = Copy code

## Status
status-ask-code = Please type or paste the tracking code from your receipt.
status-cancelled = Status check cancelled.
input-code-typo = That code is not valid; a character may be mistyped. Please check it against your receipt.
input-code-expected = Please type the tracking code shown on your receipt.
status-not-found = No report with code { $code } was found. Please check the code.
status-title = Report { $code }
status-alt = Report { $code }: { $status }
status-received-on = Received on { $date }
status-updated-on = Last update { $date }
tip-status-received = Received
tip-status-received-explained = Your report is waiting for an officer to acknowledge it, within 7 days.
tip-status-acknowledged = Acknowledged
tip-status-acknowledged-explained = An officer has acknowledged your report and is preparing to look into it; feedback within 3 months.
tip-status-under-review = Under review
tip-status-under-review-explained = Officers are checking the facts and may have questions for you.
tip-status-referred = Referred
tip-status-referred-explained = The report has been referred to the agency with the authority to act.
tip-status-closed = Closed
tip-status-closed-explained = Work on this report has ended. Thank you for reporting.
my-reports-title = Your reports:
my-reports-line = • { $code } — { $status } ({ $date })
my-reports-empty = No reports from this account are listed. Type "report" to start one.
    Reports closed more than { $days ->
        [one] a day
       *[other] { $days } days
    } ago are no longer listed, so nothing links them to your account; their tracking codes still show their status.
my-reports-closed-note = Reports closed more than { $days ->
        [one] a day
       *[other] { $days } days
    } ago leave this list, so nothing links them to your account; their tracking codes still show their status.
