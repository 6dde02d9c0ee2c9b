## Staff web console (src/console): officers' case queue and case files, signed in through LINE

console-app-name = Integrity Tipline · Officers
console-sign-out = Sign out

## Sign-in
console-sign-in-title = Sign in to the console
console-sign-in-text = This link signs you in once, on this device. Do not share it.
console-sign-in-button = Sign in
console-sign-in-failed = Could not sign you in
console-sign-in-invalid = This sign-in link is not valid. Send /console in your LINE chat with the bot for a new one.
console-sign-in-used = This sign-in link has been used already; each link works once. Send /console in your LINE chat with the bot for a new one.
console-sign-in-expired = This sign-in link has expired (links last 10 minutes). Send /console in your LINE chat with the bot for a new one.
console-sign-in-revoked = Your officer access has been revoked or changed since this link was sent, so it cannot sign you in.
console-sign-in-rate-limited = Too many sign-in attempts from this device. Please wait ten minutes and try again.
console-signed-out-title = Signed out
console-signed-out-none = You are not signed in. Send /console in your LINE chat with the bot to get a sign-in link.
console-signed-out-expired = Your session has ended (30 minutes without activity, or 12 hours in all). Send /console in your LINE chat with the bot to sign in again.
console-signed-out-revoked = Your officer access has been revoked or changed, so your session has ended.
console-signed-out-done = You have signed out. Send /console in your LINE chat with the bot to sign in again.
console-forbidden-title = Not allowed
console-forbidden-csrf = This form is out of date or did not come from the console. Go back, reload the page and try again.
console-not-found-title = Case not found
console-not-found = There is no such case, or it is outside your scope.

## Queue
console-queue-title = Cases
console-status-open = Open
console-status-all = All
console-any = Any
console-deadline = Deadline
console-deadline-overdue = Overdue
console-deadline-due-soon = Due soon
console-deadline-on-time = Due
console-assignment = Assignment
console-assigned-filter-me = Assigned to me
console-assigned-filter-others = Assigned to others
console-assigned-filter-unassigned = Unassigned
console-search-code = Case code
console-filter = Filter
console-total = { $count ->
    [one] 1 case
   *[other] { $count } cases
}
console-queue-empty = No cases match these filters.
console-page-previous = ← Previous
console-page-next = Next →
console-page-of = Page { $page } of { $pages }
console-received = Received
console-assigned-me = assigned to you
console-assigned-other = assigned to a colleague

## Case page
console-report = Report
console-narrative = What happened
console-assigned = Assigned to
console-evidence-image = Photo sent by the reporter
console-evidence-file = Download file ({ $type })
console-actions = Handle the case
console-status-change = New status
console-close-reason-typed = Reason (type it below)
console-close-reason-text = Reason for closing, in your words
console-status-apply = Change status
console-assign-to = Assign to
console-assign = Assign
console-thread = Anonymous thread with the reporter
console-thread-hint = The reporter stays anonymous: you see their answers, never who they are.
console-thread-empty = No messages yet.
console-thread-officer = Officer
console-thread-reporter = Reporter
console-thread-attachment = Attachment
console-ask = Question for the reporter
console-ask-send = Send question
console-notes = Internal notes
console-notes-hint = For officers only; never shown to the reporter.
console-note = New note
console-note-add = Add note
console-audit = Audit trail
console-actor-you = You
console-actor-officer = Officer
console-actor-token = API token { $id }
console-actor-script = Operator script
console-actor-system = System

## After an action
console-notice-acknowledged = Case { $code } acknowledged.
console-notice-status = Status of { $code } changed.
console-notice-asked-push = Question sent: the reporter gets it in LINE.
console-notice-asked-status-check = Question saved: the reporter sees it when they next check the status.
console-notice-note = Note added.
console-notice-assigned = Case { $code } assigned.
console-notice-unchanged = Nothing changed: it was already so.
console-notice-refused-role = Your role does not allow this. Please ask a supervisor.
console-notice-refused-assignee-scope = That officer cannot see this case (it is outside their scope), so it cannot be assigned to them.
console-notice-refused-other = This cannot be done.
console-notice-invalid-transition = Case { $code } cannot change status that way. Acknowledge it first, then choose the next status.
console-notice-closed = Case { $code } is closed; nothing more can be done.
console-notice-reason-required = Closing needs a reason: choose one or type it.
console-notice-reason-length = A typed reason must be 2 to 500 characters long.
console-notice-text-length = The text must be 1 to 2000 characters long.
