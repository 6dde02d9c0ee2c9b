## Words people may type instead of tapping a button — one word or phrase a line.
## Compared without spaces, punctuation, case, Thai digits or a polite ending (ครับ/ค่ะ).
## Every button's label already works when typed: it need not be repeated here. Thai words are in
## locales/th/words.ftl; words of both languages work in every chat.

## Commands that work at any step
words-command-cancel =
    cancel
    stop report
words-command-back =
    back
    go back
words-command-menu =
    menu
    main menu
words-command-help =
    help
    how to use
words-command-report =
    report
    make a report
    new report
words-command-status =
    status
    check status
    check
    track
    status of report
words-command-my-reports =
    my reports
words-command-quiz =
    quiz
    take the quiz
words-command-reply =
    answer
    answer the officer
    reply
words-command-leave =
    leave it
    leave the form
words-command-stay =
    continue
    stay
words-command-language =
    language
    change language
words-command-english =
    english
    in english
words-command-thai =
    thai
    in thai
    ภาษาไทย

## Yes, no and skipping
words-yes =
    yes
    y
    ok
    agree
    i agree
words-no =
    no
    n
    not now
    no thanks
words-skip =
    skip
    none
    no
    not known

## Evidence
words-evidence-done =
    done
    finish
    finished
    none
    no evidence
    skip
    no

## Places
words-place-correct =
    yes
    y
    correct
    right
    ok
words-place-wrong =
    no
    n
    wrong
    incorrect
    not right
words-place-district-only =
    district only
    only the district
words-place-include =
    include
    include location
    include exact location
words-place-use-title =
    use place name
    use the place name
words-place-unknown-district =
    not sure
    don't know
    unknown

## Review
words-review-submit =
    submit
    send
    confirm

## Quiz
words-quiz-corrupt =
    corrupt
    corruption
    yes
words-quiz-not-corrupt =
    not corrupt
    not corruption
    no

## News
words-news-subscribe =
    subscribe
words-news-unsubscribe =
    unsubscribe
    stop
words-news-settings =
    news
    news settings

## Kinds of misconduct
words-category-bribery =
    bribe
    bribery
words-category-embezzlement =
    embezzlement
words-category-procurement =
    procurement
    bid rigging
words-category-abuse-of-authority =
    abuse
words-category-conflict-of-interest =
    conflict of interest
words-category-extortion =
    extortion
words-category-other =
    other

## Kinds of agency
words-agency-local-government =
    sao
    municipality
words-agency-district-province =
    district office
    province
words-agency-police =
    police
words-agency-education =
    school
    university
words-agency-health =
    hospital
    health
words-agency-state-enterprise =
    state enterprise
words-agency-central-government =
    ministry
    department
words-agency-other =
    other
