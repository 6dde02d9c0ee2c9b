## เว็บคอนโซลเจ้าหน้าที่ (src/console): คิวเรื่องและแฟ้มเรื่อง เข้าสู่ระบบผ่าน LINE

console-app-name = Integrity Tipline · เจ้าหน้าที่
console-sign-out = ออกจากระบบ

## เข้าสู่ระบบ
console-sign-in-title = เข้าสู่ระบบคอนโซล
console-sign-in-text = ลิงก์นี้ใช้เข้าสู่ระบบได้ครั้งเดียว บนอุปกรณ์นี้ ห้ามส่งต่อให้ผู้อื่น
console-sign-in-button = เข้าสู่ระบบ
console-sign-in-failed = เข้าสู่ระบบไม่สำเร็จ
console-sign-in-invalid = ลิงก์เข้าสู่ระบบนี้ไม่ถูกต้อง พิมพ์ /console ในแชต LINE กับบัญชีนี้เพื่อรับลิงก์ใหม่
console-sign-in-used = ลิงก์เข้าสู่ระบบนี้ถูกใช้ไปแล้ว (ใช้ได้ครั้งเดียว) พิมพ์ /console ในแชต LINE กับบัญชีนี้เพื่อรับลิงก์ใหม่
console-sign-in-expired = ลิงก์เข้าสู่ระบบนี้หมดอายุแล้ว (ใช้ได้ 10 นาที) พิมพ์ /console ในแชต LINE กับบัญชีนี้เพื่อรับลิงก์ใหม่
console-sign-in-revoked = สิทธิ์เจ้าหน้าที่ของท่านถูกยกเลิกหรือเปลี่ยนไปหลังจากส่งลิงก์นี้ จึงใช้ลิงก์นี้เข้าสู่ระบบไม่ได้
console-sign-in-rate-limited = มีการพยายามเข้าสู่ระบบจากอุปกรณ์นี้มากเกินไป กรุณารอสิบนาทีแล้วลองใหม่
console-signed-out-title = ออกจากระบบแล้ว
console-signed-out-none = ท่านยังไม่ได้เข้าสู่ระบบ พิมพ์ /console ในแชต LINE กับบัญชีนี้เพื่อรับลิงก์เข้าสู่ระบบ
console-signed-out-expired = การใช้งานสิ้นสุดแล้ว (ไม่มีการใช้งาน 30 นาที หรือครบ 12 ชั่วโมง) พิมพ์ /console ในแชต LINE กับบัญชีนี้เพื่อเข้าสู่ระบบใหม่
console-signed-out-revoked = สิทธิ์เจ้าหน้าที่ของท่านถูกยกเลิกหรือเปลี่ยนไป การใช้งานจึงสิ้นสุดลง
console-signed-out-done = ออกจากระบบเรียบร้อยแล้ว พิมพ์ /console ในแชต LINE กับบัญชีนี้เพื่อเข้าสู่ระบบใหม่
console-forbidden-title = ทำรายการนี้ไม่ได้
console-forbidden-csrf = แบบฟอร์มนี้เก่าเกินไปหรือไม่ได้มาจากคอนโซล กรุณากลับไป โหลดหน้าใหม่ แล้วลองอีกครั้ง
console-not-found-title = ไม่พบเรื่อง
console-not-found = ไม่มีเรื่องนี้ หรือเรื่องนี้อยู่นอกขอบเขตงานของท่าน

## คิวเรื่อง
console-queue-title = เรื่องร้องเรียน
console-status-open = ยังดำเนินการอยู่
console-status-all = ทั้งหมด
console-any = ทั้งหมด
console-deadline = กำหนดเวลา
console-deadline-overdue = เลยกำหนด
console-deadline-due-soon = ใกล้ครบกำหนด
console-deadline-on-time = กำหนด
console-assignment = ผู้รับผิดชอบ
console-assigned-filter-me = มอบหมายให้ฉัน
console-assigned-filter-others = มอบหมายให้คนอื่น
console-assigned-filter-unassigned = ยังไม่มอบหมาย
console-search-code = รหัสเรื่อง
console-filter = กรอง
console-total = { $count } เรื่อง
console-queue-empty = ไม่มีเรื่องที่ตรงกับตัวกรองนี้
console-page-previous = ← ก่อนหน้า
console-page-next = ถัดไป →
console-page-of = หน้า { $page } จาก { $pages }
console-received = รับเรื่อง
console-assigned-me = มอบหมายให้ท่าน
console-assigned-other = มอบหมายให้เพื่อนร่วมงาน

## หน้าเรื่อง
console-report = รายละเอียดที่แจ้ง
console-narrative = เหตุการณ์ที่แจ้ง
console-assigned = ผู้รับผิดชอบ
console-evidence-image = ภาพที่ผู้แจ้งส่งมา
console-evidence-file = ดาวน์โหลดไฟล์ ({ $type })
console-actions = ดำเนินการเรื่องนี้
console-status-change = สถานะใหม่
console-close-reason-typed = เหตุผล (พิมพ์ด้านล่าง)
console-close-reason-text = เหตุผลที่ปิดเรื่อง (พิมพ์เอง)
console-status-apply = เปลี่ยนสถานะ
console-assign-to = มอบหมายให้
console-assign = มอบหมาย
console-thread = ข้อความกับผู้แจ้ง (ไม่เปิดเผยตัวตน)
console-thread-hint = ผู้แจ้งไม่เปิดเผยตัวตน ท่านเห็นคำตอบ แต่ไม่มีวันรู้ว่าเป็นใคร
console-thread-empty = ยังไม่มีข้อความ
console-thread-officer = เจ้าหน้าที่
console-thread-reporter = ผู้แจ้ง
console-thread-attachment = ไฟล์แนบ
console-ask = คำถามถึงผู้แจ้ง
console-ask-send = ส่งคำถาม
console-notes = บันทึกภายใน
console-notes-hint = สำหรับเจ้าหน้าที่เท่านั้น ผู้แจ้งไม่เห็น
console-note = บันทึกใหม่
console-note-add = เพิ่มบันทึก
console-audit = ประวัติการดำเนินการ
console-actor-you = ท่าน
console-actor-officer = เจ้าหน้าที่
console-actor-token = โทเคน API { $id }
console-actor-script = สคริปต์ผู้ดูแลระบบ
console-actor-system = ระบบ

## หลังดำเนินการ
console-notice-acknowledged = รับทราบเรื่อง { $code } แล้ว
console-notice-status = เปลี่ยนสถานะเรื่อง { $code } แล้ว
console-notice-asked-push = ส่งคำถามแล้ว ผู้แจ้งจะได้รับทาง LINE
console-notice-asked-status-check = บันทึกคำถามแล้ว ผู้แจ้งจะเห็นเมื่อตรวจสอบสถานะครั้งถัดไป
console-notice-note = เพิ่มบันทึกแล้ว
console-notice-assigned = มอบหมายเรื่อง { $code } แล้ว
console-notice-unchanged = ไม่มีอะไรเปลี่ยน เพราะเป็นเช่นนั้นอยู่แล้ว
console-notice-refused-role = บทบาทของท่านทำรายการนี้ไม่ได้ กรุณาติดต่อหัวหน้างาน
console-notice-refused-assignee-scope = เจ้าหน้าที่คนนั้นมองไม่เห็นเรื่องนี้ (อยู่นอกขอบเขตงานของเขา) จึงมอบหมายให้ไม่ได้
console-notice-refused-other = ทำรายการนี้ไม่ได้
console-notice-invalid-transition = เรื่อง { $code } เปลี่ยนสถานะแบบนี้ไม่ได้ กรุณารับทราบเรื่องก่อน แล้วจึงเลือกสถานะถัดไป
console-notice-closed = เรื่อง { $code } ปิดแล้ว ดำเนินการเพิ่มไม่ได้
console-notice-reason-required = การปิดเรื่องต้องมีเหตุผล กรุณาเลือกหรือพิมพ์เหตุผล
console-notice-reason-length = เหตุผลที่พิมพ์ต้องยาว 2 ถึง 500 ตัวอักษร
console-notice-text-length = ข้อความต้องยาว 1 ถึง 2000 ตัวอักษร
