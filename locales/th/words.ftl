## คำที่ผู้ใช้อาจพิมพ์แทนการแตะปุ่ม — หนึ่งคำหรือวลีต่อหนึ่งบรรทัด
## ระบบเทียบโดยไม่สนใจช่องว่าง เครื่องหมายวรรคตอน ตัวพิมพ์ใหญ่เล็ก เลขไทย และคำลงท้าย ครับ/ค่ะ
## ข้อความบนปุ่มทุกปุ่มพิมพ์แทนการแตะได้อยู่แล้ว ไม่ต้องซ้ำในที่นี้ คำในภาษาอังกฤษอยู่ใน locales/en/words.ftl
## ระบบรับคำจากทั้งสองภาษาในทุกแชต

## คำสั่งที่ใช้ได้ทุกขั้นตอน
words-command-cancel =
    ยกเลิก
    ยกเลิกการแจ้ง
    ยกเลิกรายการ
words-command-back =
    ย้อนกลับ
    กลับ
words-command-menu =
    เมนู
    เมนูหลัก
words-command-help =
    ช่วยเหลือ
    วิธีใช้
    วิธีใช้งาน
words-command-report =
    แจ้งเบาะแส
    แจ้งเรื่อง
    ร้องเรียน
words-command-status =
    สถานะ
    ติดตามเรื่อง
    ตรวจสอบสถานะ
    ดูสถานะ
    ขอดูสถานะเรื่อง
words-command-my-reports =
    เรื่องของฉัน
    เรื่องที่แจ้งไว้
words-command-quiz =
    แบบทดสอบ
    ทำแบบทดสอบ
words-command-reply =
    ตอบคำถาม
    ตอบเจ้าหน้าที่
words-command-leave =
    ออกจากรายการนี้
    ออกจากรายการ
words-command-stay =
    ทำรายการต่อ
    ทำต่อ
    กรอกต่อ
words-command-language =
    ภาษา
    เปลี่ยนภาษา
words-command-english =
    ภาษาอังกฤษ
    English
words-command-thai =
    ภาษาไทย

## ใช่/ไม่ใช่ และการข้าม
words-yes =
    ใช่
    ได้
    ตกลง
    ยอมรับ
    ยินยอม
words-no =
    ไม่
    ไม่ใช่
    ไม่ได้
    ไม่ยินยอม
    ไม่รับ
    ไม่ต้อง
words-skip =
    ข้าม
    ไม่มี
    ไม่ระบุ
    ไม่ทราบ

## หลักฐาน
words-evidence-done =
    เสร็จ
    เสร็จแล้ว
    พอแล้ว
    ไม่มี
    ไม่มีหลักฐาน
    ข้าม

## สถานที่
words-place-correct =
    ใช่
    ถูก
    ถูกต้อง
    ใช่แล้ว
    ถูกต้องแล้ว
words-place-wrong =
    ไม่
    ไม่ใช่
    ไม่ถูก
    ไม่ถูกต้อง
    ผิด
words-place-district-only =
    เฉพาะอำเภอ
    บันทึกเฉพาะอำเภอ
    เฉพาะเขต
    บันทึกเฉพาะเขต
    ไม่แนบ
words-place-include =
    แนบตำแหน่ง
    แนบตำแหน่งที่แน่นอน
    แนบพิกัด
words-place-use-title =
    ใช้ชื่อสถานที่
    ใช้ชื่อสถานที่นี้
words-place-unknown-district =
    ไม่ทราบ
    ไม่ทราบอำเภอ
    ไม่รู้
    ไม่แน่ใจ

## ตรวจสอบก่อนส่ง
words-review-submit =
    ส่ง
    ยืนยัน
    ส่งเรื่อง
    ยืนยันส่งเรื่อง

## แบบทดสอบ
words-quiz-corrupt =
    ทุจริต
    ใช่
    ผิด
words-quiz-not-corrupt =
    ไม่ทุจริต
    ไม่ใช่
    ไม่ผิด

## ข่าวสาร
words-news-subscribe =
    รับข่าวสาร
    สมัครรับข่าวสาร
    ติดตามข่าวสาร
words-news-unsubscribe =
    ยกเลิกรับข่าวสาร
    เลิกรับข่าวสาร
    ยกเลิกข่าวสาร
words-news-settings =
    ข่าวสาร
    ตั้งค่าข่าวสาร

## ประเภทเรื่อง
words-category-bribery =
    สินบน
    ติดสินบน
    รับสินบน
    ให้สินบน
words-category-embezzlement =
    ยักยอก
    ยักยอกเงิน
words-category-procurement =
    ฮั้ว
    ฮั้วประมูล
    จัดซื้อจัดจ้าง
words-category-abuse-of-authority =
    ละเว้น
    ใช้อำนาจมิชอบ
    ละเว้นการปฏิบัติหน้าที่
words-category-conflict-of-interest =
    ทับซ้อน
    ผลประโยชน์ขัดกัน
words-category-extortion =
    เรียกรับ
    ข่มขู่
    ขู่เข็ญ
words-category-other =
    อื่น
    อื่นๆ

## ประเภทหน่วยงาน
words-agency-local-government =
    อบต
    เทศบาล
    อบจ
    อปท
words-agency-district-province =
    อำเภอ
    จังหวัด
    ที่ว่าการอำเภอ
    ศาลากลาง
words-agency-police =
    ตำรวจ
    สถานีตำรวจ
    สภ
words-agency-education =
    โรงเรียน
    มหาวิทยาลัย
    การศึกษา
words-agency-health =
    โรงพยาบาล
    รพ
    รพสต
    สาธารณสุข
words-agency-state-enterprise =
    รัฐวิสาหกิจ
words-agency-central-government =
    กระทรวง
    กรม
words-agency-other =
    อื่น
    อื่นๆ
