// Words of the console's minors' holiday calendar: each year's table, its notice, its
// verification, and the banner while a year is unverified or the calendar runs out. Chinese first.
import { type Dictionary, type Lang, translate } from '@fairground/web';

const zh = {
  calendarTitle: '未成年人节假日日历',
  calendarHint:
    '未成年人只能在周五、周六、周日和法定节假日的 20:00–21:00 游戏；调休上班的周末不算。日期表来自国务院办公厅每年的放假通知，存放在日历文件里（每个地区一份，每年由运营方更新）。请对照通知原文核对每一年，再点“确认已核对”；确认会记入审计日志。没有日期表的年份，未成年人一律不能游戏。',
  calendarFile: '日历文件：{file}',
  calendarInline: '日期表写在策略文件里',
  runsUntil: '日历覆盖到 {date}，还剩 {days} 天',
  noTableThisYear: '今年（{year}）还没有日期表：未成年人现在不能游戏。',
  year: '{year} 年',
  holidays: '放假 {n} 天',
  workdays: '调休上班 {n} 天',
  verified: '已核对',
  unverified: '未核对',
  pastYear: '已过去',
  confirmedBy: '{time} 由运营人员 {operator} 确认：{note}',
  fileSaysVerified: '日历文件标明已核对',
  showDates: '查看日期',
  holidayDates: '放假日期',
  workdayDates: '调休上班日期',
  reference: '文号：{ref}',
  publishedOn: '发布日期：{date}',
  note: '核对说明（必填，例如对照了哪一份通知原文）',
  confirm: '确认已核对',
  confirmOnlyAdmin: '只有管理员可以确认。',
  confirmed: '已确认 {year} 年的日期表。',
  sha: '日期表指纹（SHA-256）：{sha}',
  bannerUnverified: '未成年人节假日日历 {jurisdiction} {year} 年尚未对照通知核对。',
  bannerRunsOut: '未成年人节假日日历 {jurisdiction} 只到 {date}（还剩 {days} 天），请尽快加入下一年的日期表。',
  bannerMissing: '未成年人节假日日历 {jurisdiction} 没有 {year} 年的日期表，未成年人现在不能游戏。',
  bannerLink: '去核对',
  error: '出错了：{message}',
};
type Key = keyof typeof zh;

const en: Dictionary<Key> = {
  calendarTitle: 'Minors’ holiday calendar',
  calendarHint:
    'Minors may play only 20:00–21:00 on Fridays, Saturdays, Sundays and statutory holidays; weekend make-up working days do not count. The dates come from the State Council’s yearly holiday notice and live in a calendar file (one per jurisdiction, updated by the operator each year). Check each year against the notice, then press “Confirm checked”; the confirmation goes into the audit log. In a year without a table minors cannot play at all.',
  calendarFile: 'Calendar file: {file}',
  calendarInline: 'The table is inside the policy file',
  runsUntil: 'Covers up to {date}: {days} days left',
  noTableThisYear: 'No table for this year ({year}): minors cannot play now.',
  year: '{year}',
  holidays: '{n} days off',
  workdays: '{n} make-up working days',
  verified: 'Checked',
  unverified: 'Not checked',
  pastYear: 'Past',
  confirmedBy: 'Confirmed {time} by operator {operator}: {note}',
  fileSaysVerified: 'The calendar file says it was checked',
  showDates: 'Show dates',
  holidayDates: 'Days off',
  workdayDates: 'Make-up working days',
  reference: 'Reference: {ref}',
  publishedOn: 'Published: {date}',
  note: 'Note (required: which text of the notice you checked against)',
  confirm: 'Confirm checked',
  confirmOnlyAdmin: 'Only an administrator can confirm.',
  confirmed: 'The {year} table is confirmed.',
  sha: 'Table fingerprint (SHA-256): {sha}',
  bannerUnverified: 'The minors’ holiday calendar {jurisdiction} {year} has not been checked against its notice.',
  bannerRunsOut: 'The minors’ holiday calendar {jurisdiction} ends on {date} ({days} days left): add next year’s table soon.',
  bannerMissing: 'The minors’ holiday calendar {jurisdiction} has no table for {year}: minors cannot play now.',
  bannerLink: 'Check it',
  error: 'Error: {message}',
};

export type CalendarT = (key: Key, vars?: Record<string, string | number>) => string;

export function calendarText(lang: Lang): CalendarT {
  return (key, vars) => translate({ zh, en }, lang, key, vars);
}
