## ริชเมนู (เมนูรูปภาพใต้ห้องแชต) — ป้ายใหญ่ไม่เกิน 20 ตัวอักษร ข้อความแถบเมนูไม่เกิน 14 ตัวอักษร

rich-menu-bar = เมนูหลัก
rich-menu-officer-bar = เจ้าหน้าที่
rich-menu-report = แจ้งเบาะแส
rich-menu-report-hint = ไม่ต้องเปิดเผยตัวตน
rich-menu-status = ติดตามเรื่อง
rich-menu-status-hint = ด้วยรหัสติดตามเรื่อง
rich-menu-my-reports = เรื่องของฉัน
rich-menu-my-reports-hint = เรื่องที่ท่านแจ้งไว้
rich-menu-news = ข่าวสาร
rich-menu-news-hint = รับข่าวต้านทุจริต
rich-menu-quiz = แบบทดสอบ
rich-menu-quiz-hint = ทดสอบความรู้
rich-menu-help = วิธีใช้
rich-menu-help-hint = คำแนะนำการใช้งาน
rich-menu-language = English
rich-menu-language-hint = เปลี่ยนเป็นภาษาอังกฤษ
rich-menu-officer-cases = เรื่องที่เปิดอยู่
rich-menu-officer-cases-hint = เรื่องในความรับผิดชอบ
rich-menu-officer-cases-command = /เรื่อง
rich-menu-officer-console = คอนโซลเว็บ
rich-menu-officer-console-hint = รับลิงก์เข้าสู่ระบบ
rich-menu-officer-console-command = /คอนโซล
