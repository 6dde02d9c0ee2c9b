## Integrity Tipline — officer texts and reporter replies (English)
## Same voice as en.ftl: formal and courteous, no contractions or slang.

## Enrollment
officer-enroll-usage = Please type /enroll followed by the enrollment code from your administrator, for example /enroll EN-ABCD-EFGH-JKMN
officer-enroll-invalid = That enrollment code is not valid, has expired or was already used. Please ask your administrator for a new one.
officer-enroll-locked = Too many enrollment codes were not valid. For safety, enrollment from this chat is paused for a while. Please try again after { $time }, or ask your administrator for a new code.
officer-enrolled = You are enrolled as an officer.
    Role: { $role }
    Scope: { $scope }
    New reports in this scope will be sent to this chat. Type /cases to see open cases.
officer-enrolled-campaign = You are enrolled as campaign staff. You receive no cases; you compose campaigns in the web console: send /console for a sign-in link.
officer-group-joined = Thank you for adding this account. If this is an officer group, please type /enroll followed by the group's enrollment code to receive new reports here.
officer-group-enrolled = This group is enrolled and will receive new reports for: { $scope }
    The group only sees the tracking code, category, district and deadlines; details are shown only in a private chat with this account.
officer-role-officer = Officer
officer-role-supervisor = Supervisor
officer-role-admin = Administrator
officer-role-campaign = Campaign staff
officer-scope-everywhere = Everywhere
officer-scope-province = { $name } province
officer-scope-fallback = Reports nobody else covers
officer-scope-all-categories = all categories

## Refusals
officer-refused-not-enrolled = This account is not enrolled as an officer, so it cannot do that.
officer-refused-revoked = This account's officer access has been revoked, so it cannot do that.
officer-refused-role = Your role does not allow this. Please contact a supervisor.
officer-refused-scope = This case is outside your scope, so you cannot do that.
officer-refused-private-chat-only = This can only be done in a private chat with this account.
officer-refused-unidentified = LINE did not say who tapped this button in the group. Please continue in a private chat with this account (type /cases to see open cases).
officer-refused-group-not-enrolled = This group is not an enrolled officer group, so case buttons cannot be used here. Please continue in a private chat with this account (type /cases to see open cases).
officer-refused-group-scope = This case is outside this group's scope, so it cannot be handled here. Please continue in a private chat with this account (type /cases to see open cases).
officer-refused-assignee-scope = That officer cannot see this case (it is outside their scope), so it cannot be assigned to them.
officer-unknown-button = This button no longer works.
officer-button-outdated = This button is out of date and no longer works. Please type /cases in a private chat with this account to see open cases with new buttons.
officer-case-not-found = This case was not found.
officer-case-closed = Case { $code } is closed; no further action is possible.
officer-invalid-transition = Case { $code } cannot change status that way. Acknowledge it first, then choose the next status.

## Case cards
officer-card-alt = { $title }: { $code }
officer-card-new-title = 🔔 New report
officer-card-ack-reminder-title = ⏰ Acknowledgement due soon
officer-card-ack-escalation-title = ⚠️ Acknowledgement overdue
officer-card-feedback-reminder-title = ⏰ Feedback to the reporter due soon
officer-card-feedback-escalation-title = ⚠️ Feedback to the reporter overdue
officer-card-answer-title = 💬 The reporter answered (see your private chat)
officer-card-updated-title = Case updated
officer-card-open-title = Open case
officer-field-code = Code
officer-field-category = Category
officer-field-district = District
officer-field-status = Status
officer-field-received = Received
officer-field-ack-by = Acknowledge by
officer-field-feedback-by = Feedback by
officer-field-closed = Closed
officer-field-agency = Agency
officer-field-place = Place
officer-field-location = Exact location
officer-field-evidence-locations = Locations sent as evidence
officer-location-reporter-confirmed = { $where } ({ $point }) — included by the reporter's own choice
officer-field-incident-date = Date of incident
officer-field-people = People involved
officer-field-contact-phone = Phone the reporter offered
officer-field-evidence = Evidence
officer-field-close-reason = Reason for closing
officer-button-ack = Acknowledge
officer-button-view = View details
officer-button-view-private = View details (private chat)
officer-button-ask = Ask the reporter
officer-button-status = Change status
officer-button-assign = Assign to me
officer-button-cancel = Cancel
officer-someone = an officer

## Details (private chat only)
officer-details-alt = Details of case { $code }
officer-details-title = Case { $code }
officer-details-narrative = What the reporter described:
    { $narrative }
officer-evidence-alt = Evidence for case { $code } ({ $count } items)
officer-evidence-title = { $count ->
    [one] 1 piece of evidence
   *[other] { $count } pieces of evidence
}
officer-evidence-expiry = Links work for about 10 minutes and only for your account. If one has expired, please tap "View details" again.
officer-evidence-item = { $number }. { $kind } ({ $size })
officer-evidence-kind-image = Photo
officer-evidence-kind-video = Video
officer-evidence-kind-audio = Audio
officer-evidence-kind-file = File
officer-thread-title = Messages with the reporter:
officer-thread-question = • { $date } asked: { $text }
officer-thread-answer = • { $date } reporter answered: { $text }{ $count ->
    [0] {""}
   *[other] {" "}(+{ $count } evidence)
}
officer-view-sent-private = Details of case { $code } were sent to your private chat.
officer-view-private-failed = The details could not be sent to your private chat. Please add this account as a friend and try again.

## Actions
officer-ack-done = Case { $code } acknowledged by { $who }. Feedback to the reporter is due by { $date }.
officer-ack-already = Case { $code } was already acknowledged (status: { $status }).
officer-assign-done = { $who } is now responsible for case { $code }.
officer-assign-already = You are already responsible for case { $code }.
officer-set-acknowledged = Acknowledge
officer-set-under-review = Start review
officer-set-referred = Refer to agency
officer-set-closed = Close
officer-status-choose = Please choose the new status of case { $code }.
officer-status-done = Case { $code } is now "{ $status }".
officer-status-already = Case { $code } is already "{ $status }"; nothing changed.
officer-close-ask-reason = Please give the reason for closing case { $code }: choose one, or type a short reason.
officer-close-needs-reason = A reason is needed to close case { $code }.
officer-close-reason-substantiated = Substantiated
officer-close-reason-insufficient-evidence = Not enough info
officer-close-reason-not-corruption = Not corruption
officer-close-reason-duplicate = Duplicate
officer-close-reason-referred-elsewhere = Referred elsewhere
officer-ask-prompt = Please type your question for the reporter of case { $code } (up to 2,000 characters).
    The reporter will not see your name, and you will not learn who they are.
officer-ask-sent-push = Your question for case { $code } was sent to the reporter. Their answer will arrive in this chat.
officer-ask-sent-status-check = Your question for case { $code } was saved. The reporter did not opt in to messages, so they will see it when they next check the status.
officer-text-length = The text must be { $min } to { $max } characters long (it is { $count }). Please type it again, or tap "Cancel".
officer-cancelled = Cancelled.
officer-reply-received = 💬 The reporter answered on case { $code }:
    { $text }{ $count ->
    [0] {""}
   *[other] {"\u000A"}New evidence attached: { $count }. Tap "View details" to open it.
}

## Case lists and daily digest
officer-cases-empty = There are no open cases in your scope.
officer-console-link = Your sign-in link to the web console (works once, for 10 minutes; do not forward it):
    { $url }
officer-cases-alt = { $count } open cases
officer-digest = 📋 Daily summary for { $date }
    Open cases: { $open }, awaiting acknowledgement: { $received }, overdue: { $overdue }
officer-digest-overdue-line = • Overdue: { $code }

## Reporter answering an officer
reply-question = An officer has a question about your report { $code }:
    { $question }
    Please choose "Answer" to reply. The officer will not learn who you are.
reply-button-answer = Answer
reply-status-update = Update on your report { $code }: { $status }
    { $explained }
reply-ask-answer = Please type your answer about report { $code } (up to 2,000 characters).
reply-ask-evidence = Do you have further evidence? You may send up to 5 photos, videos, audio recordings or files. { $count ->
    [0] If you have none, please choose "{ choice-evidence-none }".
   *[other] When you have sent everything, please choose "{ choice-evidence-done }".
}
reply-sent = Your answer about report { $code } was passed to the officers. Thank you.
reply-not-found = This is not one of the reports you made, so the answer cannot be sent.
reply-case-closed = This report is closed, so no more answers can be added.
reply-cancelled = Your answer has been cancelled.
