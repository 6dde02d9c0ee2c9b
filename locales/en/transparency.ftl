# The public transparency page (/transparency): figures only, never a reporter.
transparency-title = Transparency: how reports are handled
transparency-intro = How many reports of suspected corruption the office received, how quickly they were acknowledged and answered, and how they ended. No figure on this page can point at a reporter: small counts are hidden, as explained under "How we count".
transparency-period = Closed months { $from } to { $to }. Updated { $updated } (Bangkok time).
transparency-other-language = ภาษาไทย
transparency-downloads = The same figures for journalists and civil society:
transparency-download-json = JSON
transparency-download-csv = CSV (spreadsheet)
transparency-contents = On this page
transparency-measure-received = Reports received
transparency-measure-received-explained = Reports received in each month.
transparency-measure-acknowledged-on-time = Acknowledged within 7 days
transparency-measure-acknowledged-on-time-explained = Reports received in each month that an officer acknowledged within the 7-day deadline.
transparency-measure-feedback-on-time = Feedback within 3 months
transparency-measure-feedback-on-time-explained = Reports received in each month whose reporter got feedback (the case moved to review, referral or closing) within 3 months of acknowledgement.
transparency-measure-closed = Cases closed
transparency-measure-closed-explained = Cases closed in each month, and how they ended.
transparency-measure-satisfaction = Reporters' satisfaction
transparency-measure-satisfaction-explained = Answers reporters gave, after their case was closed, to "How satisfied are you with how your report was handled?" (1 = very dissatisfied, 5 = very satisfied), by the month the case was closed and its area, with the mean rating.
transparency-table-areas = By area
transparency-table-categories = By kind of misconduct
transparency-table-outcomes = By outcome
transparency-table-means = Mean rating (1–5), by area
transparency-column-row = { $table ->
    [categories] Kind
    [outcomes] Outcome
   *[areas] Area
}
transparency-column-total = Total
transparency-row-elsewhere = Elsewhere or not given
transparency-row-pooled = Other districts, { $province }
transparency-outcome-substantiated = Substantiated
transparency-outcome-insufficient-evidence = Not enough information
transparency-outcome-not-corruption = Not corruption
transparency-outcome-duplicate = Duplicate report
transparency-outcome-referred-elsewhere = Referred elsewhere
transparency-outcome-other = Other
transparency-under-k = < { $k }
transparency-withheld = —
transparency-legend = "< { $k }": fewer than { $k }. "—": withheld so that a "< { $k }" cannot be worked out from the totals. Counts above { $above } are rounded to the nearest { $to }, so totals may not add up exactly.
transparency-not-publishable = Fewer than { $k } in the whole period: nothing is published.
transparency-total = Whole period: { $count }
transparency-chart-label = { $measure }, per month
transparency-medians-title = How long it takes
transparency-median-acknowledge = Median days to acknowledge (by month received)
transparency-median-close = Median days to close (by month closed)
transparency-median-days = { $days ->
    [one] { $days } day
   *[other] { $days } days
}
transparency-median-too-few = fewer than { $k } cases
transparency-month = Month
transparency-how-title = How we count
transparency-how-months = Only whole months that have ended are shown, never the current month or week: a count of this week's reports could be matched with someone's visit to the office.
transparency-how-small = Any count under { $k } is shown as "< { $k }". Other cells are then withheld ("—") until no "< { $k }" can be worked out by subtracting from a total or by combining totals and cells: every hidden count could still have another value consistent with everything published. This is checked for every hidden count each time the figures are made.
transparency-how-areas = An area with fewer than { $k } reports in the whole period is not named: its reports are counted with the other districts of its province, or under "Elsewhere or not given".
transparency-how-rounding = Counts above { $above } are rounded to the nearest { $to }.
transparency-how-medians = A median is shown only when at least { $k } cases are behind it.
transparency-how-dates = Months are Bangkok time. Reports are counted in the month they were received; closures in the month they were closed; satisfaction in the month the case was closed.
transparency-how-updated = The figures are recomputed every hour.
transparency-how-satisfaction = Satisfaction answers are kept without the reporter's identity and apart from the case: no code, no date finer than the month. An answer's area, kind and outcome are kept only as far as at least { $k } questioned cases of that month share them; otherwise it counts under "Elsewhere or not given". A mean is shown only where its count is shown and no hidden cell is under it ("—" otherwise), so no hidden answer can be worked out from a mean.
transparency-how-nothing = No reporter's identity, words or location is used: only each case's month, area, kind, status and outcome.
transparency-not-ready = The figures are being prepared. Please try again in a minute.
