## Integrity Tipline — ข้อความสำหรับเจ้าหน้าที่ และการตอบกลับของผู้แจ้ง (ภาษาไทย)
## ถ้อยคำสุภาพ เป็นกลาง ไม่ลงท้ายด้วย ครับ/ค่ะ

## การลงทะเบียน
officer-enroll-usage = พิมพ์ /enroll ตามด้วยรหัสลงทะเบียนที่ได้รับจากผู้ดูแลระบบ เช่น /enroll EN-ABCD-EFGH-JKMN
officer-enroll-invalid = รหัสลงทะเบียนไม่ถูกต้อง หมดอายุ หรือถูกใช้ไปแล้ว กรุณาขอรหัสใหม่จากผู้ดูแลระบบ
officer-enroll-locked = ใส่รหัสลงทะเบียนผิดหลายครั้งเกินไป เพื่อความปลอดภัยจึงพักการลงทะเบียนจากแชตนี้ไว้ชั่วคราว กรุณาลองใหม่หลัง { $time } หรือขอรหัสใหม่จากผู้ดูแลระบบ
officer-enrolled = ลงทะเบียนเป็นเจ้าหน้าที่เรียบร้อยแล้ว
    บทบาท: { $role }
    ขอบเขตงาน: { $scope }
    เมื่อมีเรื่องใหม่ในขอบเขตนี้ ระบบจะแจ้งมาที่แชตนี้ พิมพ์ /cases เพื่อดูเรื่องที่ยังเปิดอยู่
officer-group-joined = สวัสดี หากกลุ่มนี้เป็นกลุ่มเจ้าหน้าที่ พิมพ์ /enroll ตามด้วยรหัสลงทะเบียนกลุ่ม เพื่อรับแจ้งเรื่องใหม่ในกลุ่มนี้
officer-group-enrolled = ลงทะเบียนกลุ่มนี้เรียบร้อยแล้ว จะแจ้งเรื่องใหม่ในขอบเขต: { $scope }
    ในกลุ่มจะแสดงเฉพาะรหัสเรื่อง ประเภท อำเภอ และกำหนดเวลา รายละเอียดดูได้ในแชตส่วนตัวกับบัญชีนี้เท่านั้น
officer-role-officer = เจ้าหน้าที่
officer-role-supervisor = หัวหน้างาน
officer-role-admin = ผู้ดูแลระบบ
officer-scope-everywhere = ทุกพื้นที่
officer-scope-province = จังหวัด{ $name }
officer-scope-fallback = เรื่องที่ไม่มีผู้รับผิดชอบ
officer-scope-all-categories = ทุกประเภท

## ปฏิเสธสิทธิ์
officer-refused-not-enrolled = บัญชีนี้ยังไม่ได้ลงทะเบียนเป็นเจ้าหน้าที่ จึงทำรายการนี้ไม่ได้
officer-refused-revoked = สิทธิ์เจ้าหน้าที่ของบัญชีนี้ถูกยกเลิกแล้ว จึงทำรายการนี้ไม่ได้
officer-refused-role = บทบาทของคุณทำรายการนี้ไม่ได้ กรุณาติดต่อหัวหน้างาน
officer-refused-scope = เรื่องนี้อยู่นอกขอบเขตงานของคุณ จึงทำรายการนี้ไม่ได้
officer-refused-private-chat-only = รายการนี้ทำได้ในแชตส่วนตัวกับบัญชีนี้เท่านั้น
officer-refused-unidentified = ระบบไม่ทราบว่าใครกดปุ่มนี้ในกลุ่ม กรุณาดำเนินการในแชตส่วนตัวกับบัญชีนี้ (พิมพ์ /cases เพื่อดูเรื่องที่เปิดอยู่)
officer-refused-group-not-enrolled = กลุ่มนี้ไม่ได้ลงทะเบียนเป็นกลุ่มเจ้าหน้าที่ จึงใช้ปุ่มจัดการเรื่องในกลุ่มนี้ไม่ได้ กรุณาทำรายการในแชตส่วนตัวกับบัญชีนี้ (พิมพ์ /cases เพื่อดูเรื่องที่เปิดอยู่)
officer-refused-group-scope = เรื่องนี้ไม่อยู่ในขอบเขตของกลุ่มนี้ จึงจัดการในกลุ่มนี้ไม่ได้ กรุณาทำรายการในแชตส่วนตัวกับบัญชีนี้ (พิมพ์ /cases เพื่อดูเรื่องที่เปิดอยู่)
officer-refused-assignee-scope = เจ้าหน้าที่คนนั้นมองไม่เห็นเรื่องนี้ (อยู่นอกขอบเขตงานของเขา) จึงมอบหมายให้ไม่ได้
officer-unknown-button = ปุ่มนี้ใช้ไม่ได้แล้ว
officer-button-outdated = ปุ่มนี้เป็นรุ่นเก่าและใช้ไม่ได้แล้ว กรุณาพิมพ์ /cases ในแชตส่วนตัวกับบัญชีนี้ เพื่อดูเรื่องที่เปิดอยู่พร้อมปุ่มใหม่
officer-case-not-found = ไม่พบเรื่องนี้ในระบบ
officer-case-closed = เรื่อง { $code } ปิดแล้ว จึงดำเนินการต่อไม่ได้
officer-invalid-transition = เปลี่ยนสถานะเรื่อง { $code } แบบนี้ไม่ได้ กรุณารับเรื่องก่อน แล้วเลือกสถานะถัดไป

## การ์ดเรื่อง
officer-card-alt = { $title }: { $code }
officer-card-new-title = 🔔 มีเรื่องใหม่
officer-card-ack-reminder-title = ⏰ ใกล้ครบกำหนดรับเรื่อง
officer-card-ack-escalation-title = ⚠️ เลยกำหนดรับเรื่องแล้ว
officer-card-feedback-reminder-title = ⏰ ใกล้ครบกำหนดแจ้งผลแก่ผู้แจ้ง
officer-card-feedback-escalation-title = ⚠️ เลยกำหนดแจ้งผลแก่ผู้แจ้งแล้ว
officer-card-answer-title = 💬 ผู้แจ้งตอบคำถามแล้ว (ดูในแชตส่วนตัว)
officer-card-updated-title = อัปเดตเรื่อง
officer-card-open-title = เรื่องที่ยังเปิดอยู่
officer-field-code = รหัสเรื่อง
officer-field-category = ประเภท
officer-field-district = อำเภอ
officer-field-status = สถานะ
officer-field-received = รับแจ้งเมื่อ
officer-field-ack-by = กำหนดรับเรื่อง
officer-field-feedback-by = กำหนดแจ้งผล
officer-field-closed = ปิดเรื่องเมื่อ
officer-field-agency = หน่วยงาน
officer-field-place = สถานที่
officer-field-location = ตำแหน่งที่แน่นอน
officer-field-evidence-locations = ตำแหน่งประกอบหลักฐาน
officer-location-reporter-confirmed = { $where } ({ $point }) — ผู้แจ้งเลือกแนบตำแหน่งนี้เอง
officer-field-incident-date = วันที่เกิดเหตุ
officer-field-people = ผู้เกี่ยวข้อง
officer-field-contact-phone = เบอร์ที่ผู้แจ้งยินดีให้ติดต่อ
officer-field-evidence = หลักฐาน
officer-field-close-reason = เหตุผลที่ปิดเรื่อง
officer-button-ack = รับเรื่อง
officer-button-view = ดูรายละเอียด
officer-button-view-private = ดูรายละเอียด (แชตส่วนตัว)
officer-button-ask = ถามผู้แจ้ง
officer-button-status = เปลี่ยนสถานะ
officer-button-assign = รับผิดชอบเรื่องนี้
officer-button-cancel = ยกเลิก
officer-someone = เจ้าหน้าที่

## รายละเอียด (แชตส่วนตัวเท่านั้น)
officer-details-alt = รายละเอียดเรื่อง { $code }
officer-details-title = รายละเอียดเรื่อง { $code }
officer-details-narrative = เหตุการณ์ที่ผู้แจ้งเล่า:
    { $narrative }
officer-evidence-alt = หลักฐานของเรื่อง { $code } ({ $count } รายการ)
officer-evidence-title = หลักฐาน { $count } รายการ
officer-evidence-expiry = ลิงก์ใช้ได้ประมาณ 10 นาทีและเฉพาะบัญชีของคุณ หากหมดอายุ กด "ดูรายละเอียด" อีกครั้ง
officer-evidence-item = { $number }. { $kind } ({ $size })
officer-evidence-kind-image = รูปภาพ
officer-evidence-kind-video = วิดีโอ
officer-evidence-kind-audio = เสียง
officer-evidence-kind-file = ไฟล์
officer-thread-title = ข้อความกับผู้แจ้ง:
officer-thread-question = • { $date } ถาม: { $text }
officer-thread-answer = • { $date } ผู้แจ้งตอบ: { $text }{ $count ->
    [0] {""}
   *[other] {" "}(หลักฐานเพิ่ม { $count } รายการ)
}
officer-view-sent-private = ส่งรายละเอียดเรื่อง { $code } ไปที่แชตส่วนตัวของคุณแล้ว
officer-view-private-failed = ส่งรายละเอียดไปที่แชตส่วนตัวไม่สำเร็จ กรุณาเพิ่มบัญชีนี้เป็นเพื่อนแล้วลองใหม่

## การดำเนินการ
officer-ack-done = รับเรื่อง { $code } แล้ว โดย { $who } กำหนดแจ้งผลแก่ผู้แจ้งภายใน { $date }
officer-ack-already = เรื่อง { $code } มีผู้รับเรื่องไปแล้ว (สถานะ: { $status })
officer-assign-done = { $who } รับผิดชอบเรื่อง { $code } แล้ว
officer-assign-already = คุณรับผิดชอบเรื่อง { $code } อยู่แล้ว
officer-set-acknowledged = รับเรื่อง
officer-set-under-review = เริ่มตรวจสอบ
officer-set-referred = ส่งต่อหน่วยงาน
officer-set-closed = ปิดเรื่อง
officer-status-choose = เลือกสถานะใหม่ของเรื่อง { $code }
officer-status-done = เปลี่ยนสถานะเรื่อง { $code } เป็น "{ $status }" แล้ว
officer-status-already = เรื่อง { $code } อยู่ในสถานะ "{ $status }" แล้ว ไม่มีการเปลี่ยนแปลง
officer-close-ask-reason = กรุณาระบุเหตุผลที่ปิดเรื่อง { $code } เลือกจากปุ่ม หรือพิมพ์เหตุผลสั้น ๆ
officer-close-needs-reason = ต้องระบุเหตุผลก่อนปิดเรื่อง { $code }
officer-close-reason-substantiated = มีมูล ดำเนินการแล้ว
officer-close-reason-insufficient-evidence = ข้อมูลไม่เพียงพอ
officer-close-reason-not-corruption = ไม่ใช่เรื่องทุจริต
officer-close-reason-duplicate = ซ้ำกับเรื่องอื่น
officer-close-reason-referred-elsewhere = ส่งต่อหน่วยงานอื่นแล้ว
officer-ask-prompt = พิมพ์คำถามถึงผู้แจ้งเรื่อง { $code } ได้เลย (ไม่เกิน 2,000 ตัวอักษร)
    ผู้แจ้งจะไม่เห็นชื่อของคุณ และคุณจะไม่ทราบตัวตนของผู้แจ้ง
officer-ask-sent-push = ส่งคำถามถึงผู้แจ้งเรื่อง { $code } แล้ว เมื่อผู้แจ้งตอบ ระบบจะส่งคำตอบมาที่แชตนี้
officer-ask-sent-status-check = บันทึกคำถามของเรื่อง { $code } แล้ว ผู้แจ้งไม่ได้เลือกรับข้อความ จึงจะเห็นคำถามเมื่อเข้ามาตรวจสอบสถานะ
officer-text-length = ข้อความต้องยาว { $min } ถึง { $max } ตัวอักษร (ตอนนี้ { $count }) กรุณาพิมพ์ใหม่ หรือกด "ยกเลิก"
officer-cancelled = ยกเลิกแล้ว
officer-reply-received = 💬 ผู้แจ้งตอบเรื่อง { $code }:
    { $text }{ $count ->
    [0] {""}
   *[other] {"\u000A"}พร้อมหลักฐานเพิ่ม { $count } รายการ กด "ดูรายละเอียด" เพื่อเปิดดู
}

## รายการเรื่องและสรุปประจำวัน
officer-cases-empty = ไม่มีเรื่องที่ยังเปิดอยู่ในขอบเขตงานของคุณ
officer-console-link = ลิงก์เข้าสู่ระบบเว็บคอนโซลของคุณ (ใช้ได้ครั้งเดียว ภายใน 10 นาที ห้ามส่งต่อ):
    { $url }
officer-cases-alt = เรื่องที่ยังเปิดอยู่ { $count } เรื่อง
officer-digest = 📋 สรุปประจำวันที่ { $date }
    เรื่องที่ยังเปิดอยู่ { $open } เรื่อง รอรับเรื่อง { $received } เรื่อง เลยกำหนด { $overdue } เรื่อง
officer-digest-overdue-line = • เลยกำหนด: { $code }

## ผู้แจ้งตอบคำถามเจ้าหน้าที่
reply-question = เจ้าหน้าที่มีคำถามเกี่ยวกับเรื่องรหัส { $code }:
    { $question }
    กดปุ่ม "ตอบคำถาม" เพื่อตอบ เจ้าหน้าที่จะไม่ทราบตัวตนของคุณ
reply-button-answer = ตอบคำถาม
reply-status-update = อัปเดตเรื่องรหัส { $code }: { $status }
    { $explained }
reply-status-check-question = คำถามจากเจ้าหน้าที่ ({ $date }): { $question }
reply-ask-answer = พิมพ์คำตอบสำหรับเรื่อง { $code } ได้เลย (ไม่เกิน 2,000 ตัวอักษร)
reply-ask-evidence = มีหลักฐานเพิ่มไหม ส่งรูปภาพ วิดีโอ เสียง หรือไฟล์ได้สูงสุด 5 รายการ แล้วกด "เสร็จแล้ว" ถ้าไม่มีกด "ไม่มีหลักฐาน"
reply-sent = ส่งคำตอบสำหรับเรื่อง { $code } ให้เจ้าหน้าที่แล้ว ขอบคุณ
reply-not-found = ไม่พบเรื่องนี้ในเรื่องที่คุณแจ้งไว้ จึงส่งคำตอบไม่ได้
reply-case-closed = เรื่องนี้ปิดแล้ว จึงส่งคำตอบเพิ่มไม่ได้
reply-cancelled = ยกเลิกการตอบคำถามแล้ว
