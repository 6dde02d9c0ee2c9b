## Integrity Tipline — ข้อความสำหรับเจ้าหน้าที่ และการตอบกลับของผู้แจ้ง (ภาษาไทย)
## น้ำเสียงเดียวกับ th.ftl: ภาษาราชการที่สุภาพ เรียกผู้ใช้ว่า "ท่าน" ไม่ใช้คำลงท้าย ครับ/ค่ะ

## การลงทะเบียน
officer-enroll-usage = กรุณาพิมพ์ /enroll ตามด้วยรหัสลงทะเบียนที่ได้รับจากผู้ดูแลระบบ เช่น /enroll EN-ABCD-EFGH-JKMN
officer-enroll-invalid = รหัสลงทะเบียนไม่ถูกต้อง หมดอายุ หรือถูกใช้ไปแล้ว กรุณาขอรหัสใหม่จากผู้ดูแลระบบ
officer-enroll-locked = มีการใส่รหัสลงทะเบียนไม่ถูกต้องหลายครั้งเกินไป เพื่อความปลอดภัย ระบบจึงพักการลงทะเบียนจากแชตนี้ไว้ชั่วคราว กรุณาลองใหม่หลังเวลา { $time } หรือขอรหัสใหม่จากผู้ดูแลระบบ
officer-enrolled = ลงทะเบียนเป็นเจ้าหน้าที่เรียบร้อยแล้ว
    บทบาท: { $role }
    ขอบเขตงาน: { $scope }
    เมื่อมีเรื่องใหม่ในขอบเขตนี้ ระบบจะแจ้งมาที่แชตนี้ พิมพ์ /cases เพื่อดูเรื่องที่ยังดำเนินการอยู่
officer-enrolled-campaign = ลงทะเบียนเป็นเจ้าหน้าที่รณรงค์ประชาสัมพันธ์เรียบร้อยแล้ว ท่านไม่ได้รับเรื่องร้องเรียน และจัดทำแคมเปญได้ที่เว็บคอนโซล: พิมพ์ /console เพื่อรับลิงก์เข้าสู่ระบบ
officer-group-joined = ขอบคุณที่เพิ่มบัญชีนี้เข้ากลุ่ม หากกลุ่มนี้เป็นกลุ่มเจ้าหน้าที่ กรุณาพิมพ์ /enroll ตามด้วยรหัสลงทะเบียนกลุ่ม เพื่อรับแจ้งเรื่องใหม่ในกลุ่มนี้
officer-group-enrolled = ลงทะเบียนกลุ่มนี้เรียบร้อยแล้ว ระบบจะแจ้งเรื่องใหม่ในขอบเขต: { $scope }
    ในกลุ่มจะแสดงเฉพาะรหัสเรื่อง ประเภท อำเภอ และกำหนดเวลา รายละเอียดดูได้ในแชตส่วนตัวกับบัญชีนี้เท่านั้น
officer-role-officer = เจ้าหน้าที่
officer-role-supervisor = หัวหน้างาน
officer-role-admin = ผู้ดูแลระบบ
officer-role-campaign = เจ้าหน้าที่รณรงค์
officer-scope-everywhere = ทุกพื้นที่
officer-scope-province = จังหวัด{ $name }
officer-scope-fallback = เรื่องที่ไม่มีผู้รับผิดชอบ
officer-scope-all-categories = ทุกประเภท

## ปฏิเสธสิทธิ์
officer-refused-not-enrolled = บัญชีนี้ยังไม่ได้ลงทะเบียนเป็นเจ้าหน้าที่ จึงไม่สามารถทำรายการนี้ได้
officer-refused-revoked = สิทธิ์เจ้าหน้าที่ของบัญชีนี้ถูกยกเลิกแล้ว จึงไม่สามารถทำรายการนี้ได้
officer-refused-role = บทบาทของท่านไม่สามารถทำรายการนี้ได้ กรุณาติดต่อหัวหน้างาน
officer-refused-scope = เรื่องนี้อยู่นอกขอบเขตงานของท่าน จึงไม่สามารถทำรายการนี้ได้
officer-refused-private-chat-only = รายการนี้ทำได้ในแชตส่วนตัวกับบัญชีนี้เท่านั้น
officer-refused-unidentified = ระบบไม่ทราบว่าผู้ใดแตะปุ่มนี้ในกลุ่ม กรุณาดำเนินการในแชตส่วนตัวกับบัญชีนี้ (พิมพ์ /cases เพื่อดูเรื่องที่ยังดำเนินการอยู่)
officer-refused-group-not-enrolled = กลุ่มนี้ไม่ได้ลงทะเบียนเป็นกลุ่มเจ้าหน้าที่ จึงใช้ปุ่มจัดการเรื่องในกลุ่มนี้ไม่ได้ กรุณาทำรายการในแชตส่วนตัวกับบัญชีนี้ (พิมพ์ /cases เพื่อดูเรื่องที่ยังดำเนินการอยู่)
officer-refused-group-scope = เรื่องนี้ไม่อยู่ในขอบเขตของกลุ่มนี้ จึงจัดการในกลุ่มนี้ไม่ได้ กรุณาทำรายการในแชตส่วนตัวกับบัญชีนี้ (พิมพ์ /cases เพื่อดูเรื่องที่ยังดำเนินการอยู่)
officer-refused-assignee-scope = เจ้าหน้าที่ท่านนั้นไม่มีสิทธิ์เห็นเรื่องนี้ (อยู่นอกขอบเขตงาน) จึงไม่สามารถมอบหมายได้
officer-unknown-button = ปุ่มนี้ใช้งานไม่ได้แล้ว
officer-button-outdated = ปุ่มนี้เป็นรุ่นเก่าและใช้งานไม่ได้แล้ว กรุณาพิมพ์ /cases ในแชตส่วนตัวกับบัญชีนี้ เพื่อดูเรื่องที่ยังดำเนินการอยู่พร้อมปุ่มใหม่
officer-case-not-found = ไม่พบเรื่องนี้ในระบบ
officer-case-closed = เรื่อง { $code } ยุติแล้ว จึงไม่สามารถดำเนินการต่อได้
officer-invalid-transition = ไม่สามารถเปลี่ยนสถานะเรื่อง { $code } ในลักษณะนี้ได้ กรุณารับเรื่องก่อน แล้วเลือกสถานะถัดไป

## การ์ดเรื่อง
officer-card-alt = { $title }: { $code }
officer-card-new-title = 🔔 มีเรื่องใหม่
officer-card-ack-reminder-title = ⏰ ใกล้ครบกำหนดรับเรื่อง
officer-card-ack-escalation-title = ⚠️ เลยกำหนดรับเรื่องแล้ว
officer-card-feedback-reminder-title = ⏰ ใกล้ครบกำหนดแจ้งผลแก่ผู้แจ้ง
officer-card-feedback-escalation-title = ⚠️ เลยกำหนดแจ้งผลแก่ผู้แจ้งแล้ว
officer-card-answer-title = 💬 ผู้แจ้งตอบคำถามแล้ว (ดูได้ในแชตส่วนตัว)
officer-card-updated-title = ปรับปรุงสถานะเรื่อง
officer-card-open-title = เรื่องที่ยังดำเนินการอยู่
officer-field-code = รหัสเรื่อง
officer-field-category = ประเภท
officer-field-district = อำเภอ
officer-field-status = สถานะ
officer-field-received = รับแจ้งเมื่อ
officer-field-ack-by = กำหนดรับเรื่อง
officer-field-feedback-by = กำหนดแจ้งผล
officer-field-closed = ยุติเรื่องเมื่อ
officer-field-agency = หน่วยงาน
officer-field-place = สถานที่
officer-field-location = ตำแหน่งที่แน่นอน
officer-field-evidence-locations = ตำแหน่งประกอบหลักฐาน
officer-location-reporter-confirmed = { $where } ({ $point }) — ผู้แจ้งเลือกแนบตำแหน่งนี้เอง
officer-field-incident-date = วันที่เกิดเหตุ
officer-field-people = ผู้เกี่ยวข้อง
officer-field-contact-phone = หมายเลขที่ผู้แจ้งยินดีให้ติดต่อ
officer-field-evidence = หลักฐาน
officer-field-close-reason = เหตุผลที่ยุติเรื่อง
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
officer-evidence-expiry = ลิงก์ใช้ได้ประมาณ 10 นาที และเฉพาะบัญชีของท่าน หากหมดอายุ กรุณาแตะ "ดูรายละเอียด" อีกครั้ง
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
officer-view-sent-private = ส่งรายละเอียดเรื่อง { $code } ไปที่แชตส่วนตัวของท่านแล้ว
officer-view-private-failed = ส่งรายละเอียดไปที่แชตส่วนตัวไม่สำเร็จ กรุณาเพิ่มบัญชีนี้เป็นเพื่อน แล้วลองใหม่อีกครั้ง

## การดำเนินการ
officer-ack-done = รับเรื่อง { $code } แล้ว โดย { $who } กำหนดแจ้งผลแก่ผู้แจ้งภายใน { $date }
officer-ack-already = เรื่อง { $code } มีผู้รับเรื่องไปแล้ว (สถานะ: { $status })
officer-assign-done = { $who } รับผิดชอบเรื่อง { $code } แล้ว
officer-assign-already = ท่านรับผิดชอบเรื่อง { $code } อยู่แล้ว
officer-set-acknowledged = รับเรื่อง
officer-set-under-review = เริ่มตรวจสอบ
officer-set-referred = ส่งต่อหน่วยงาน
officer-set-closed = ยุติเรื่อง
officer-status-choose = กรุณาเลือกสถานะใหม่ของเรื่อง { $code }
officer-status-done = เปลี่ยนสถานะเรื่อง { $code } เป็น "{ $status }" แล้ว
officer-status-already = เรื่อง { $code } อยู่ในสถานะ "{ $status }" แล้ว จึงไม่มีการเปลี่ยนแปลง
officer-close-ask-reason = กรุณาระบุเหตุผลที่ยุติเรื่อง { $code } โดยเลือกจากปุ่ม หรือพิมพ์เหตุผลโดยย่อ
officer-close-needs-reason = กรุณาระบุเหตุผลก่อนยุติเรื่อง { $code }
officer-close-reason-substantiated = มีมูล ดำเนินการแล้ว
officer-close-reason-insufficient-evidence = ข้อมูลไม่เพียงพอ
officer-close-reason-not-corruption = ไม่ใช่เรื่องทุจริต
officer-close-reason-duplicate = ซ้ำกับเรื่องอื่น
officer-close-reason-referred-elsewhere = ส่งต่อหน่วยงานอื่นแล้ว
officer-ask-prompt = กรุณาพิมพ์คำถามถึงผู้แจ้งเรื่อง { $code } (ไม่เกิน 2,000 ตัวอักษร)
    ผู้แจ้งจะไม่เห็นชื่อของท่าน และท่านจะไม่ทราบตัวตนของผู้แจ้ง
officer-ask-sent-push = ส่งคำถามถึงผู้แจ้งเรื่อง { $code } แล้ว เมื่อผู้แจ้งตอบ ระบบจะส่งคำตอบมาที่แชตนี้
officer-ask-sent-status-check = บันทึกคำถามของเรื่อง { $code } แล้ว ผู้แจ้งไม่ได้เลือกรับข้อความ จึงจะเห็นคำถามเมื่อเข้ามาตรวจสอบสถานะ
officer-text-length = ข้อความต้องยาว { $min } ถึง { $max } ตัวอักษร (ขณะนี้ { $count } ตัวอักษร) กรุณาพิมพ์ใหม่ หรือแตะ "ยกเลิก"
officer-cancelled = ยกเลิกแล้ว
officer-reply-received = 💬 ผู้แจ้งตอบเรื่อง { $code }:
    { $text }{ $count ->
    [0] {""}
   *[other] {"\u000A"}พร้อมหลักฐานเพิ่ม { $count } รายการ กรุณาแตะ "ดูรายละเอียด" เพื่อเปิดดู
}

## รายการเรื่องและสรุปประจำวัน
officer-cases-empty = ไม่มีเรื่องที่ยังดำเนินการอยู่ในขอบเขตงานของท่าน
officer-console-link = ลิงก์เข้าสู่ระบบเว็บคอนโซลของท่าน (ใช้ได้ครั้งเดียว ภายใน 10 นาที โปรดอย่าส่งต่อ):
    { $url }
officer-cases-alt = เรื่องที่ยังดำเนินการอยู่ { $count } เรื่อง
officer-digest = 📋 สรุปประจำวันที่ { $date }
    เรื่องที่ยังดำเนินการอยู่ { $open } เรื่อง รอรับเรื่อง { $received } เรื่อง เลยกำหนด { $overdue } เรื่อง
officer-digest-overdue-line = • เลยกำหนด: { $code }

## ผู้แจ้งตอบคำถามเจ้าหน้าที่
reply-question = เจ้าหน้าที่มีคำถามเกี่ยวกับเรื่องรหัส { $code }:
    { $question }
    กรุณาเลือก "ตอบคำถาม" เพื่อตอบ เจ้าหน้าที่จะไม่ทราบตัวตนของท่าน
reply-button-answer = ตอบคำถาม
reply-status-update = ปรับปรุงสถานะเรื่องรหัส { $code }: { $status }
    { $explained }
reply-ask-answer = กรุณาพิมพ์คำตอบสำหรับเรื่อง { $code } (ไม่เกิน 2,000 ตัวอักษร)
reply-ask-evidence = ท่านมีหลักฐานเพิ่มเติมหรือไม่ ท่านส่งรูปภาพ วิดีโอ เสียง หรือไฟล์ได้สูงสุด 5 รายการ { $count ->
    [0] หากไม่มี กรุณาเลือก "{ choice-evidence-none }"
   *[other] เมื่อส่งครบแล้ว กรุณาเลือก "{ choice-evidence-done }"
}
reply-sent = ส่งคำตอบสำหรับเรื่อง { $code } ถึงเจ้าหน้าที่แล้ว ขอขอบคุณ
reply-not-found = ไม่พบเรื่องนี้ในรายการเรื่องที่ท่านแจ้งไว้ จึงไม่สามารถส่งคำตอบได้
reply-case-closed = เรื่องนี้ยุติแล้ว จึงไม่สามารถส่งคำตอบเพิ่มเติมได้
reply-cancelled = ยกเลิกการตอบคำถามแล้ว
