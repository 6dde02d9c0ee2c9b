## Awareness subscriptions and the integrity quiz — English
## Same voice as en.ftl: formal and warm, no contractions or slang.
## Button labels (awareness-choice-*, awareness-topic-*, awareness-menu-*, quiz-choice-*) are at most 20 characters

## Subscribing and unsubscribing
awareness-opt-in = Would you like to receive news and practical advice on preventing corruption from the office?
    We send messages rarely, never at night, and you can stop at any time by typing "unsubscribe".
    Subscribing is not linked to anything you report and does not affect your anonymity.
awareness-subscribed = Thank you for standing up against corruption. You will receive news on: { $topics }
    You may choose topics or the language with the buttons below, and stop at any time by typing "unsubscribe".
awareness-already-subscribed = You are already subscribed. Topics: { $topics }
awareness-unsubscribed = You have unsubscribed and will receive no more campaign messages.
    If you change your mind, type "subscribe" at any time.
awareness-not-subscribed = You are not subscribed to news at the moment. If you would like to be, please choose "Subscribe" below.
awareness-later = Thank you. Please type "subscribe" whenever you would like news from the office.

## Settings
awareness-settings = Your news subscription
    Topics: { $topics }
    Language: { $language }
awareness-topics-prompt = Please tap a topic to add or remove it, then tap "Done".
    Chosen topics: { $topics }
awareness-topics-need-one = Please keep at least one topic. If you no longer wish to receive news, type "unsubscribe".
awareness-topic-selected = ✓ { $topic }
awareness-language-changed = From now on, news will reach you in English.
awareness-language-name = English

## Topics
awareness-topic-news = News and events
awareness-topic-knowledge = Prevention tips
awareness-topic-reporting = Reporting
awareness-topic-officials = Public officials

## Buttons
awareness-choice-subscribe = Subscribe
awareness-choice-later = Maybe later
awareness-choice-quiz = Take the quiz
awareness-choice-topics = Choose topics
awareness-choice-language = รับเป็นภาษาไทย
awareness-choice-unsubscribe = Unsubscribe
awareness-choice-done = Done
awareness-choice-menu = Main menu
awareness-menu-news = News
awareness-menu-quiz = Quiz

## The "is this corruption?" quiz
quiz-choice-corrupt = Corruption
quiz-choice-not-corrupt = Not corruption
quiz-choice-again = Try again
quiz-choose = Please choose "{ quiz-choice-corrupt }" or "{ quiz-choice-not-corrupt }" with the buttons below.
quiz-cancelled = You have left the quiz. Come back any time.
quiz-verdict = { $result ->
    [right] ✅ Correct.
   *[wrong] ❌ Not correct.
}

quiz-tea-money = The "is this corruption?" quiz: { $total } everyday situations. Please answer as you understand it.
    { $number }/{ $total }: A land office clerk says that if you want your title deed transfer done faster, you should pay 500 baht of "tea money", with no receipt.
    Is this corruption?
quiz-tea-money-explain = { quiz-verdict } It is corruption.
    Asking for money in exchange for work that is already the official's duty, or for special treatment, is soliciting a bribe. Genuine fees always come with an official receipt.

quiz-teachers-day = { $number }/{ $total }: On Teacher's Day, a parent gives their child's class teacher a home-made flower garland.
    Is this corruption?
quiz-teachers-day-explain = { quiz-verdict } Generally, it is not corruption.
    A traditional gift of small value that has nothing to do with decisions the official makes is acceptable. Under the NACC's rules, a gift from the general public on a traditional occasion must be worth no more than 3,000 baht. An expensive gift, or one given in exchange for grades or favours, should be refused.

quiz-relative-contract = { $number }/{ $total }: The chief of a subdistrict administrative organisation gives a road construction contract to his brother-in-law's company, without letting other companies bid as the rules require.
    Is this corruption?
quiz-relative-contract-explain = { quiz-verdict } It is corruption.
    This is a conflict of interest and may be corruption in public procurement. Officials with a personal interest must declare it and stay out of the decision, and procurement must be open to fair competition as the law requires.

quiz-office-car = { $number }/{ $total }: An official takes the agency's car to drive the family on a holiday trip at the weekend.
    Is this corruption?
quiz-office-car-explain = { quiz-verdict } It is corruption.
    Government property is for official work only. Using it for private purposes, including fuel paid for by the agency, is misuse of state property.

quiz-missing-documents = { $number }/{ $total }: A district office clerk does not accept your application because documents are missing, and explains which documents you still need.
    Is this corruption?
quiz-missing-documents-explain = { quiz-verdict } It is not corruption.
    The clerk follows the rules and openly tells you what to prepare. If you were asked for money to "help it through" without a receipt, that would be a sign of bribery.

quiz-traffic-fine = { $number }/{ $total }: A traffic police officer says that if you pay 200 baht in cash on the spot, there will be no ticket, and gives no receipt.
    Is this corruption?
quiz-traffic-fine-explain = { quiz-verdict } It is corruption.
    Taking money to refrain from doing one's duty is bribery, and giving the bribe is an offence too. A genuine fine is paid through the official channels and always comes with a receipt.

quiz-nephew-hired = { $number }/{ $total }: A hospital director hires his nephew for an open position, skipping the selection process, although other applicants are better qualified.
    Is this corruption?
quiz-nephew-hired-explain = { quiz-verdict } It is corruption.
    Using one's authority to favour a relative without fair selection is abuse of position and a conflict of interest, and it can be reported.

quiz-seminar-lunch = { $number }/{ $total }: A municipal official attends an academic seminar and has the lunch the organisers provide for every participant.
    Is this corruption?
quiz-seminar-lunch-explain = { quiz-verdict } It is not corruption.
    A meal provided equally to all participants is ordinary hospitality, not given in exchange for any decision. A private dinner from someone awaiting the agency's decision, however, should be declined.

quiz-score = You got { $score } out of { $total } right.
    { $band ->
        [high] Excellent: you can tell corruption apart very well.
        [mid] Well done; there is a little more worth knowing.
       *[low] Thank you for taking part: every question has an explanation to review, and you may try again at any time.
    }
    If you witness corruption, you can report it without revealing who you are, or get tips like these regularly, with the buttons below.

# Campaign reach for staff (CLI and admin API): LINE withholds figures under 20 people.
awareness-stats-fewer-than = fewer than 20
awareness-stats-not-read = not read from LINE yet
awareness-stats-not-measured = not measured (sent without an aggregation unit)

## Province (optional: local campaigns)
awareness-province-question = Which province do you live in? It is used only to send you news for your area. Type the province name or tap one below, or skip: you will still receive news for the whole country.
awareness-province-set = Thank you. You will also receive news for { $province }.
awareness-province-cleared = No province is set: you receive the news sent to the whole country.
awareness-province-unknown = That province was not recognised. Please type its name, e.g. "Chiang Mai", or skip.
awareness-choice-province = Choose province
awareness-choice-skip-province = Skip
