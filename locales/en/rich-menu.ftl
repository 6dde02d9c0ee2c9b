## Rich menu (the picture menu under the chat): labels at most 20 characters, the menu bar text at most 14

rich-menu-bar = Main menu
rich-menu-officer-bar = Officer menu
rich-menu-report = Report
rich-menu-report-hint = Anonymous and safe
rich-menu-status = Check status
rich-menu-status-hint = With your code
rich-menu-my-reports = My reports
rich-menu-my-reports-hint = Reports you sent
rich-menu-news = News
rich-menu-news-hint = Integrity updates
rich-menu-quiz = Quiz
rich-menu-quiz-hint = Test yourself
rich-menu-help = Help
rich-menu-help-hint = How to use
rich-menu-language = ภาษาไทย
rich-menu-language-hint = Switch to Thai
rich-menu-officer-cases = Open cases
rich-menu-officer-cases-hint = Your caseload
rich-menu-officer-cases-command = /cases
rich-menu-officer-console = Web console
rich-menu-officer-console-hint = Sign-in link
rich-menu-officer-console-command = /console
