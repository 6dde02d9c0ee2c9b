## Integrity Tipline — English texts (Thai is the primary language)
## Voice (docs/CONVERSATIONS.md): formal and warm, as a public office writes. Complete sentences, "please",
## no contractions or slang. A text that names a button names one that is on screen at that moment.

-clinic = Good Governance Clinic Against Corruption

## Greeting and menu
welcome = Welcome to the { -clinic }.
    You can report suspected corruption in public agencies without revealing who you are, and follow your report with a tracking code.
    Please choose from the menu below.
idle-prompt = What would you like to do? Please choose from the menu below.
menu-report = Report
menu-status = Check a report
menu-my-reports = My reports
menu-language = ภาษาไทย
menu-help = Help
help = How to use this service
    • To report: choose "Report", or type it. It takes about five minutes.
    • To check a report: type its tracking code, or choose "Check a report".
    • While answering, type "back" to change your previous answer, or "cancel" to stop.
    • Type "ภาษาไทย" to switch to Thai.
    Your name and LINE account are never stored with your report.
help-in-flow = { $back ->
    [yes] Type "back" to change your previous answer, or "cancel" to stop. Your answers are kept until you cancel.
   *[no] Type "cancel" to stop, or answer the question below to continue.
}
flow-already-open = { $flow ->
    [report] You are already filling in a report. Please answer the question below to continue.
    [status] You are already checking a report. Please type its tracking code.
    [quiz] You are already taking the quiz. Please answer the question below to continue.
   *[other] You are already answering an officer. Please continue below.
}
leave-confirm = { $flow ->
    [report] Your report is not finished.
   *[other] Your answer to the officer is not finished.
} If you leave it to { $target ->
    [status] check a report
    [quiz] take the quiz
    [reply] answer an officer
    [rate] rate how your report was handled
   *[report] start a new report
}, what you have entered and sent will be deleted. Would you like to leave it?
choice-leave-confirm = Leave it
choice-leave-stay = Continue
flow-updated = The form has been updated. Your earlier answers are kept; please answer the next question.
language-changed = The language is now English.
nothing-to-cancel = There is nothing in progress at the moment.
stale-button = That button belongs to an earlier question. Please answer the latest question below.
stale-button-no-flow = That button has expired. Please choose from the menu below to start again.
back-at-start = This is already the first question.
limit-messages = Messages from you are arriving too quickly, so they are paused for a moment. You may continue from { $time } (in about { $minutes ->
        [one] a minute
       *[other] { $minutes } minutes
    }). To cancel what you are doing, you may type "cancel" at any time.
limit-tips-per-day = You have reached today's limit of reports. You may send a new report from { $date } at { $time }. If it is urgent, please contact the office directly.
limit-wrong-codes = Too many tracking codes were not found. Please try again from { $time }.
event-failed-apology = We apologise: your last message could not be processed. Nothing you told us before was lost; please send that message again.

## Common buttons
choice-back = Back
choice-cancel = Cancel
choice-skip = Skip
choice-edit = Edit
review-edit-field = Edit: { $field }
choice-submit = Submit

## Answer checks
input-expected-text = Please type your answer as text.
input-empty = No answer was received. Please type it again.
input-no-words = Please answer in words; emoji or symbols alone are not enough.
input-too-short = That answer is too short. Please write at least { $min } characters (now { $count }).
input-too-long = That answer is too long: at most { $max } characters (now { $count }). Please shorten it.
input-choose-option = Please choose one of the buttons below, or type what a button says.
input-consent = Please choose "{ choice-consent-yes }" to start a report, or "{ choice-consent-no }" if you are not ready.
input-updates = Please choose "{ choice-updates-yes }" or "{ choice-updates-no }".
input-phone = That phone number does not look right. Please type it like 0812345678, or choose "Skip".
input-review = Please choose "Submit" to confirm, or "Edit" next to the item you wish to change (you may also type, for example, "Edit place").
input-typed-location = The "{ $label }" button opens the map in LINE. Please tap that button below, or type the district where it happened.
input-typed-date-picker = The "{ $label }" button opens the calendar in LINE. Please tap that button below, or type the date, for example "26 Aug 2020".

## Dates
input-date-unrecognised = That date could not be read. Please type, for example, "yesterday", "26 Aug 2020" or "26/08/2563", or choose "Pick a date".
input-date-future = That date has not come yet. Please give the date of the incident.
input-date-impossible = That date does not exist. Please check the day and month.
date-picked = Date of the incident: { $date }
choice-date-today = Today
choice-date-yesterday = Yesterday
choice-date-pick = Pick a date
choice-date-unsure = Not sure
review-date-unknown = Date not known

## Places
# A district as texts name it: "San Sai District, Chiang Mai", "Bang Rak, Bangkok"
input-place-unknown = That district could not be found. Please type the district with its province, for example "Mueang Lampang", choose from the list, choose "Share location", or choose "Not sure".
input-place-expected = Please type the district where it happened, choose from the list, or choose "Share location" to send the location of the place.
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
place-located-confirm = The location you sent is in { place-district-name }. Is that correct?
place-located-exact = Only { place-district-name } will be recorded, not the coordinates or address you sent: a location shared from LINE is your phone's position, which may be where you live.
    If you wish officers to see the exact location of the incident, please choose "Include location", or type more details about the place.
place-located-exact-titled = Only { place-district-name } will be recorded, not the coordinates or address you sent: a location shared from LINE is your phone's position, which may be where you live.
    To record the place name "{ $title }", please choose "Use place name". If you wish officers to see the exact location, please choose "Include location", or type more details about the place.
place-retype = The location you sent has not been recorded. Please type the district where it happened, or choose from the list.
place-choose = There is more than one "{ $districtEn }". Please choose the one where it happened, or type the province.
place-choose-many = That name matches { $count } districts. Please type the district with its province, for example "Mueang, Lampang".
place-in-province = { $provinceEn }: please choose or type the district where it happened. If you are not sure, please choose "Not sure".
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
input-expected-media = This step accepts photos, videos, voice messages or files. Please send them one at a time, or choose a button below.
evidence-received = Evidence received: { $count } of { $max }. You may send more, or choose "Done".
evidence-max-reached = All { $max } items have been received. Moving on to the next step.
evidence-too-large = That file is too large. Please send a smaller file, or split it.
evidence-unsupported = This type of file cannot be accepted. Please send a photo, video, audio recording, PDF or Office document.
evidence-gone = That file can no longer be downloaded (it may have been unsent). Please send it again.
evidence-preparing = LINE is still preparing that file. Please send it again in a moment.
evidence-failed = That file could not be received. Please send it again; everything else you entered is kept.
evidence-location-exact = Location received. Only { place-district-name } will be recorded, not the coordinates or address: a location shared from LINE may be where you live.
    If you wish officers to see the exact location as evidence, please choose "Include location".
evidence-location-exact-nowhere = Location received. It is not in any district of Thailand; its coordinates and address will not be recorded unless you choose "Include location".
evidence-location-kept = The location has been recorded as you chose. You may send more evidence, or choose "Done".
choice-evidence-done = Done
choice-evidence-none = No evidence
review-evidence-count = { $count ->
    [0] none
    [one] 1 item
   *[other] { $count } items
}

## Report form
report-consent = Before you start: your report is not linked to your name or LINE account, it is stored encrypted, and officers will not know who sent it.
    Location and device data are removed from photos (documents and videos may still carry author data; please check them before sending).
    If you share a location, only its district is recorded, never the coordinates or address, unless you choose to include them.
    The information is used only to look into your report. Do you agree, and would you like to start?
choice-consent-yes = I agree, start
choice-consent-no = Later
report-declined = Thank you for your interest. Whenever you are ready, please choose "Report", or type it.
report-cancelled = The report has been cancelled, and what you sent has been deleted.
report-category = What kind of misconduct would you like to report?
review-category = Kind
category-bribery = Bribery
category-embezzlement = Embezzlement
category-procurement = Procurement fraud
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
report-agency-name = Please give the agency's name, for example "San Sai Luang SAO" or "Fang Hospital".
review-agency-name = Agency
report-place = Please give the district where it happened: type its name, choose from the list, or choose "Share location".
    A location shared from LINE is your phone's current position unless you move the pin to the place of the incident. Only the district is recorded.
review-place = Place
report-place-description = Please describe the place briefly, for example the province, sub-district or name of the place.
review-place-description = Place details
report-when = When did it happen? Please type, for example, "yesterday", "26 Aug 2020" or "early 2020", or choose "Pick a date".
review-when = Date
report-narrative = Please describe what you saw: what happened, how, and any amounts involved (at least 20 characters).
    You do not need to give your own name or details.
review-narrative = What happened
report-people = Who was involved (names, positions)? If you do not know, please choose "Skip".
review-people = People involved
report-evidence = Do you have evidence? You may send up to 10 photos, videos, voice messages or files, one at a time. { $count ->
    [0] If you have none, please choose "{ choice-evidence-none }".
   *[other] When you have sent everything, please choose "{ choice-evidence-done }".
}
review-evidence = Evidence
report-updates = Would you like to receive progress updates and officers' questions in this LINE chat?
    Officers will not know who you are, whichever you choose. If you decline, you can check progress yourself with your tracking code.
review-updates = Updates
choice-updates-yes = Send me updates
choice-updates-no = No updates
report-contact-phone = If you are willing to be called by an officer, please type a phone number (optional), or choose "Skip".
review-contact-phone = Contact phone
review-not-given = Not given
review-title = Please check before sending
report-review = If everything is correct, please choose "Submit"; or choose "Edit" next to an item to change it.

## Receipt
receipt-alt = Report received. Tracking code { $code }
receipt-title = Your report has been received. Thank you for standing up against corruption.
receipt-code-label = Tracking code (please keep it; you need it to check progress)
receipt-handled-district = Your report has gone to the officers responsible for { $place }, who will acknowledge it within { $days } days.
receipt-handled-province = Your report has gone to the officers responsible for { $place }, who will acknowledge it within { $days } days.
receipt-handled-region = Your report has gone to the { $office }, which covers { $place }, and will be acknowledged within { $days } days.
receipt-handled-national = No local office for { $place } is enrolled yet, so your report has gone to the office's national queue, to be assessed and passed to those responsible. It will be acknowledged within { $days } days.
receipt-handled-unstaffed = No officer is enrolled yet to receive reports for { $place }. Your report is recorded in the national queue, but we cannot yet say when it will be acknowledged. Please check its status with your tracking code.
receipt-next-updates = Updates and questions from officers will come to this chat; officers will not know who you are.
receipt-next-anonymous = We will not send you messages. Please check progress with this code.
receipt-how-to-check = You can check progress at any time with the button below, or by typing the code in the chat.
receipt-copy = Copy code

## Status
status-ask-code = Please type or paste the tracking code you received with your report.
status-cancelled = The status check has been cancelled.
input-code-typo = That code is not valid; a character may have been mistyped. Please check it against your receipt.
input-code-expected = Please type the tracking code shown on your receipt.
status-not-found = No report with the code { $code } was found. Please check the code.
status-title = Report { $code }
status-alt = Report { $code }: { $status }
status-received-on = Received on { $date }
status-updated-on = Last updated on { $date }
status-button = Check { $code }
status-check-display = Status of report { $code }
status-question = Question from an officer ({ $date }): { $question }
status-question-answered = ✓ You have answered this question.
status-question-open = Awaiting your answer
reply-none-waiting = No officer's question is awaiting your answer at the moment. You can check a report's status with its tracking code.
reply-choose = Officers' questions await your answer on more than one report. Please choose the report you wish to answer.
reply-choose-display = Answer about report { $code }
tip-status-received = Received
tip-status-received-explained = Your report is awaiting acknowledgement by an officer, by { $acknowledgeBy }.
tip-status-received-unstaffed-explained = Your report is recorded in the national queue. No officer is enrolled yet to receive reports for this area, so we cannot yet say when it will be acknowledged.
tip-status-acknowledged = Acknowledged
tip-status-acknowledged-explained = An officer has acknowledged your report and is preparing to look into it; you will hear the outcome by { $feedbackBy }.
tip-status-under-review = Under review
tip-status-under-review-explained = Officers are checking the facts and may have questions for you.
tip-status-referred = Referred
tip-status-referred-explained = Your report has been referred to the agency with the authority to act.
tip-status-closed = Closed
tip-status-closed-explained = Work on this report has ended. Thank you for reporting.
my-reports-title = Your reports:
my-reports-line = • { $code } — { $status } ({ $date })
my-reports-empty = No reports from this account are listed. To start a new report, please choose "Report".
    Reports closed more than { $days ->
        [one] a day
       *[other] { $days } days
    } ago are no longer listed, so that nothing links them to your account; their tracking codes still show their status.
my-reports-closed-note = Reports closed more than { $days ->
        [one] a day
       *[other] { $days } days
    } ago leave this list, so that nothing links them to your account; their tracking codes still show their status. Choose a code below to see its status.

# Reporter satisfaction after a case is closed (src/conversation/satisfaction.ts)
satisfaction-question = How satisfied are you with how report { $code } was handled? Please choose from 1 to 5. Your answer is recorded without your identity and is not linked to the report's code.
satisfaction-rating-5 = 5 Very satisfied
satisfaction-rating-4 = 4 Satisfied
satisfaction-rating-3 = 3 Neutral
satisfaction-rating-2 = 2 Dissatisfied
satisfaction-rating-1 = 1 Very dissatisfied
satisfaction-thanks = Thank you for rating how your report was handled.
satisfaction-ask-comment = Would you like to add a comment? Please type it (up to 1,000 characters) or choose "{ choice-skip }". Only supervisors can read comments, and they are not linked to the report's code.
satisfaction-comment-thanks = Your comment has been recorded. Thank you for helping the office improve.
satisfaction-comment-skipped = Your rating has been recorded. Thank you.
satisfaction-comment-cancelled = Your rating has been recorded, without a comment.
satisfaction-none-waiting = No satisfaction question is awaiting your answer at the moment.
satisfaction-choose = More than one report awaits your rating. Please choose the report you wish to rate.
satisfaction-not-found = This report was not found among the reports you made.
satisfaction-not-asked = This report cannot be rated yet. You may rate it once it has been closed.
satisfaction-expired = The time for rating this report has ended. Thank you for your interest.
satisfaction-already-rated = You have already rated this report. One answer is taken per report. Thank you.
