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
event-failed-apology = Sorry, we could not process your last message. Nothing you told us before was lost; please send that message again.

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
# A district as texts name it: "San Sai District, Chiang Mai", "Bang Rak, Bangkok"
input-place-unknown = We could not find that district. Please type the district with its province, for example "Mueang Lampang", choose from the list, share a location, or choose "Not sure".
input-place-expected = Please type the district where it happened, choose from the list, or share the location of the place.
input-place-located-nowhere = The location you sent is not in any district of Thailand. Please type the district where it happened, or choose "Not sure".
input-place-follow-up = Please choose one of the buttons below, or type the district again.
choice-share-location = Share location
choice-place-outside = Not sure
place-picker-title = Choose the district
place-picker-more = Somewhere else in Thailand? Please type the district with its province, for example "Mueang Lampang" or "Bang Rak, Bangkok".
place-outside-label = District not given
place-reported-area = the place you reported
place-district-name = { $kind ->
    [khet] { $districtEn }, { $provinceEn }
   *[amphoe] { $districtEn } District, { $provinceEn }
}
place-located-confirm = The location you sent is in { place-district-name }. Is that right?
place-located-exact = Only { place-district-name } will be recorded, not the coordinates or address you sent: a location shared from LINE is your phone's position, which may be where you live.
    If you want officers to see the exact location of the incident, choose "Include location", or type more details about the place.
place-located-exact-titled = Only { place-district-name } will be recorded, not the coordinates or address you sent: a location shared from LINE is your phone's position, which may be where you live.
    To record the place name "{ $title }", choose "Use place name". If you want officers to see the exact location, choose "Include location", or type more details about the place.
place-retype = The location you sent has not been recorded. Please type the district where it happened, or choose from the list.
place-choose = There is more than one "{ $districtEn }". Please choose the one where it happened, or type the province.
place-choose-many = That name fits { $count } districts. Please type the district with its province, for example "Mueang, Lampang".
place-in-province = { $provinceEn }: please choose or type the district where it happened. If you are not sure, choose "Not sure".
choice-place-correct = Correct
choice-place-wrong = Not correct
choice-place-district-only = District only
choice-place-include-exact = Include location
choice-place-use-title = Use place name
choice-place-province-only = Not sure
place-exact-label = exact location included, as you chose
place-candidate-province = { $provinceEn }
place-candidate-district = { $districtEn } ({ $provinceEn })

## Evidence
input-expected-media = This step takes photos, videos, voice messages or files. Send them now, or tap the button when you are done.
evidence-received = Evidence received: { $count } of { $max }. Send more, or tap "Done".
evidence-max-reached = That is the maximum of { $max } items. Moving on.
evidence-too-large = That file is too large. Please send a smaller file or split it.
evidence-unsupported = This type of file cannot be accepted. Please send a photo, video, audio, PDF or Office document.
evidence-gone = That file can no longer be downloaded (perhaps it was unsent). Please send it again.
evidence-preparing = LINE is still preparing that file. Please send it again in a moment.
evidence-failed = That file could not be received. Please send it again; everything else you entered is kept.
evidence-location-exact = Location received. Only { place-district-name } will be recorded, not the coordinates or address: a location shared from LINE may be where you live.
    If you want officers to see the exact location as evidence, choose "Include location".
evidence-location-exact-nowhere = Location received. It is not in any district of Thailand; its coordinates and address will not be recorded unless you choose "Include location".
evidence-location-kept = The location has been recorded as you chose. Send more evidence, or choose "Done".
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
    If you share a location, only its district is recorded, never the coordinates or address, unless you choose to include them.
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
report-place = Please tell us the district where it happened: type its name, choose from the list, or tap "Share location".
    A location shared from LINE is your phone's current position unless you move the pin to the place of the incident. Only the district is recorded.
review-place = Place
report-place-description = Please describe the place briefly, for example the province, sub-district or name of the place.
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
receipt-handled-district = Your report has gone to the officers responsible for { $place }, who will acknowledge it within { $days } days.
receipt-handled-province = Your report has gone to the officers responsible for { $place }, who will acknowledge it within { $days } days.
receipt-handled-region = Your report has gone to the { $office }, which covers { $place }, and will be acknowledged within { $days } days.
receipt-handled-national = No local office for { $place } is enrolled yet, so your report has gone to the office's national queue, to be assessed and passed to those responsible. It will be acknowledged within { $days } days.
receipt-handled-unstaffed = No officer is enrolled yet to receive reports for { $place }. Your report is recorded in the national queue, but we cannot say yet when it will be acknowledged. Please check its status with your tracking code.
receipt-next-updates = Updates and questions from officers will come to this chat; officers will not know who you are.
receipt-next-anonymous = We will not message you. Please check progress with this code.
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
tip-status-received-unstaffed-explained = Your report is recorded in the national queue. No officer is enrolled yet to receive reports for this area, so we cannot say yet when it will be acknowledged.
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
