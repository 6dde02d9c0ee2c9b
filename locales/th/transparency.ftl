# หน้าความโปร่งใสสาธารณะ (/transparency): มีแต่ตัวเลข ไม่มีผู้แจ้ง
transparency-title = ความโปร่งใส: การดำเนินการกับเรื่องที่ได้รับแจ้ง
transparency-intro = จำนวนเรื่องร้องเรียนการทุจริตที่สำนักงานได้รับ ความรวดเร็วในการตอบรับและแจ้งความคืบหน้า และผลการดำเนินการ ไม่มีตัวเลขใดในหน้านี้ที่ชี้ตัวผู้แจ้งได้ จำนวนที่น้อยจะถูกปิดไว้ ตามที่อธิบายในหัวข้อ "วิธีนับ"
transparency-period = เดือนที่สิ้นสุดแล้ว { $from } ถึง { $to } ปรับปรุงเมื่อ { $updated } (เวลากรุงเทพฯ)
transparency-other-language = English
transparency-downloads = ตัวเลขชุดเดียวกันสำหรับสื่อมวลชนและภาคประชาสังคม:
transparency-download-json = JSON
transparency-download-csv = CSV (ตารางคำนวณ)
transparency-contents = ในหน้านี้
transparency-measure-received = เรื่องที่ได้รับแจ้ง
transparency-measure-received-explained = จำนวนเรื่องที่ได้รับในแต่ละเดือน
transparency-measure-acknowledged-on-time = ตอบรับภายใน 7 วัน
transparency-measure-acknowledged-on-time-explained = เรื่องที่ได้รับในแต่ละเดือนซึ่งเจ้าหน้าที่ตอบรับภายในกำหนด 7 วัน
transparency-measure-feedback-on-time = แจ้งความคืบหน้าภายใน 3 เดือน
transparency-measure-feedback-on-time-explained = เรื่องที่ได้รับในแต่ละเดือนซึ่งผู้แจ้งได้รับความคืบหน้า (เรื่องเข้าสู่การตรวจสอบ ส่งต่อ หรือปิด) ภายใน 3 เดือนหลังการตอบรับ
transparency-measure-closed = เรื่องที่ปิดแล้ว
transparency-measure-closed-explained = เรื่องที่ปิดในแต่ละเดือน และผลของเรื่อง
transparency-measure-satisfaction = ความพึงพอใจของผู้แจ้ง
transparency-measure-satisfaction-explained = คำตอบของผู้แจ้งหลังยุติเรื่องต่อคำถาม "ท่านพึงพอใจกับการดำเนินการเรื่องที่แจ้งเพียงใด" (1 = ไม่พอใจ 5 = พอใจมากที่สุด) ตามเดือนที่ยุติเรื่องและพื้นที่ พร้อมคะแนนเฉลี่ย
transparency-table-areas = แยกตามพื้นที่
transparency-table-categories = แยกตามประเภทการกระทำ
transparency-table-outcomes = แยกตามผล
transparency-table-means = คะแนนเฉลี่ย (1–5) แยกตามพื้นที่
transparency-column-row = { $table ->
    [categories] ประเภท
    [outcomes] ผล
   *[areas] พื้นที่
}
transparency-column-total = รวม
transparency-row-elsewhere = พื้นที่อื่นหรือไม่ระบุ
transparency-row-pooled = อำเภออื่นใน{ $province }
transparency-outcome-substantiated = มีมูล
transparency-outcome-insufficient-evidence = ข้อมูลไม่เพียงพอ
transparency-outcome-not-corruption = ไม่ใช่การทุจริต
transparency-outcome-duplicate = เรื่องซ้ำ
transparency-outcome-referred-elsewhere = ส่งต่อหน่วยงานอื่น
transparency-outcome-other = อื่น ๆ
transparency-under-k = < { $k }
transparency-withheld = —
transparency-legend = "< { $k }" คือน้อยกว่า { $k } "—" คือปิดไว้เพื่อไม่ให้คำนวณค่า "< { $k }" ย้อนจากยอดรวมได้ จำนวนที่มากกว่า { $above } ปัดเป็นจำนวนเต็ม { $to } ที่ใกล้ที่สุด ยอดรวมจึงอาจไม่ตรงกับผลบวกพอดี
transparency-not-publishable = ทั้งช่วงเวลามีน้อยกว่า { $k } จึงไม่เผยแพร่ตัวเลข
transparency-total = ทั้งช่วงเวลา: { $count }
transparency-chart-label = { $measure } รายเดือน
transparency-medians-title = ระยะเวลาดำเนินการ
transparency-median-acknowledge = มัธยฐานจำนวนวันจนตอบรับ (ตามเดือนที่ได้รับ)
transparency-median-close = มัธยฐานจำนวนวันจนปิดเรื่อง (ตามเดือนที่ปิด)
transparency-median-days = { $days } วัน
transparency-median-too-few = น้อยกว่า { $k } เรื่อง
transparency-month = เดือน
transparency-how-title = วิธีนับ
transparency-how-months = แสดงเฉพาะเดือนที่สิ้นสุดแล้ว ไม่แสดงเดือนหรือสัปดาห์ปัจจุบัน เพราะจำนวนเรื่องของสัปดาห์นี้อาจนำไปเทียบกับการมาติดต่อของใครบางคนได้
transparency-how-small = จำนวนที่น้อยกว่า { $k } แสดงเป็น "< { $k }" และจะปิดช่องอื่นเพิ่ม ("—") จนไม่มีค่า "< { $k }" ใดคำนวณได้จากการลบออกจากยอดรวม หรือจากการนำยอดรวมและช่องต่าง ๆ มารวมกัน ทุกค่าที่ปิดไว้ยังอาจเป็นค่าอื่นได้โดยสอดคล้องกับทุกตัวเลขที่เผยแพร่ ระบบตรวจสอบเช่นนี้ทุกครั้งที่คำนวณตัวเลข
transparency-how-areas = พื้นที่ที่มีเรื่องน้อยกว่า { $k } เรื่องตลอดช่วงเวลาจะไม่ระบุชื่อ เรื่องของพื้นที่นั้นนับรวมกับอำเภออื่นในจังหวัดเดียวกัน หรือใน "พื้นที่อื่นหรือไม่ระบุ"
transparency-how-rounding = จำนวนที่มากกว่า { $above } ปัดเป็นจำนวนเต็ม { $to } ที่ใกล้ที่สุด
transparency-how-medians = แสดงค่ามัธยฐานเฉพาะเมื่อมีอย่างน้อย { $k } เรื่อง
transparency-how-dates = เดือนเป็นเวลากรุงเทพฯ เรื่องนับในเดือนที่ได้รับ การปิดเรื่องนับในเดือนที่ปิด ความพึงพอใจนับในเดือนที่ยุติเรื่อง
transparency-how-updated = ตัวเลขคำนวณใหม่ทุกชั่วโมง
transparency-how-satisfaction = คำตอบความพึงพอใจบันทึกโดยไม่มีตัวตนของผู้แจ้งและแยกจากเรื่อง ไม่มีรหัสเรื่อง และไม่มีวันเวลาละเอียดกว่าเดือน พื้นที่ ประเภท และผลของเรื่องบันทึกไว้เพียงเท่าที่มีเรื่องที่ได้รับคำถามในเดือนเดียวกันอย่างน้อย { $k } เรื่องที่มีลักษณะเดียวกัน มิฉะนั้นนับรวมใน "พื้นที่อื่นหรือไม่ระบุ" คะแนนเฉลี่ยแสดงเฉพาะช่องที่แสดงจำนวนและไม่มีช่องที่ปกปิดรวมอยู่ (มิฉะนั้นแสดง "—") จึงไม่สามารถคำนวณคำตอบที่ปกปิดจากคะแนนเฉลี่ยได้
transparency-how-nothing = ไม่ใช้ตัวตน ถ้อยคำ หรือตำแหน่งของผู้แจ้ง ใช้เพียงเดือน พื้นที่ ประเภท สถานะ และผลของแต่ละเรื่อง
transparency-not-ready = กำลังเตรียมตัวเลข โปรดลองใหม่อีกครั้งในหนึ่งนาที
