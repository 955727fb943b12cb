package reply

// The action ids of the buttons and message shortcuts Chorus puts in its messages. A click
// carries its action id back to the router, which hands it to the feature that answers it; the
// ids live here because a message of one feature may hold another's button (a reminder's Done
// button completes a task).
const (
	ActTaskDone     = "task.done"     // value: task id
	ActCampaignPage = "campaign.page" // value: page number
	ActCampaignShow = "campaign.show" // value: campaign slug
	ActTaskPage     = "task.page"     // value: "<slug> <page>"
	ActGlossaryPage = "glossary.page" // value: page number
	ActAuditPage    = "audit.page"    // value: "<slug> <page>"

	ActReminderSnooze   = "reminder.snooze"   // value: "<SnoozeDay|SnoozeMonday> <task id>"
	ActReminderReassign = "reminder.reassign" // value: task id; opens ModalReminderReassign

	ActMinutesComplete = "minutes.complete" // value: line key; opens ModalMinutesComplete
	ActMinutesApply    = "minutes.apply"    // value: line key; a lead applies a decision to the message
	ActMinutesShow     = "minutes.show"     // value: meeting id
	ActMinutesExport   = "minutes.export"   // value: meeting id
	ActSaveMinutes     = "save_minutes"     // the message shortcut; value: message ts

	ActCampaignClose       = "campaign.close"         // value: slug@version; a lead confirms the closing
	ActCampaignCloseCancel = "campaign.close.cancel"  // value: slug
	ActPointsAccept        = "campaign.points.accept" // value: slug@version; a lead accepts the proposed points
	ActPointsKeep          = "campaign.points.keep"   // value: slug@version; a lead keeps the points as they are
	ActCampaignDuplicate   = "campaign.duplicate"     // value: slug; opens ModalCampaignCreate with the campaign as template

	ActPlanImportApply  = "plan.import.apply"  // value: import id; the importer confirms the preview
	ActPlanImportCancel = "plan.import.cancel" // value: import id

	ActTouchpointMove   = "touchpoint.move"   // value: touchpoint id; opens ModalTouchpointMove
	ActTouchpointRemove = "touchpoint.remove" // value: touchpoint id; a lead removes it
	ActCalendarOpen     = "calendar.open"     // value: a day (its month) or "<day>..<day>"

	ActCheckCopy      = "check_copy" // the message shortcut's callback id (configs/manifest.yaml)
	ActDriftApprove   = "drift.approve"
	ActDriftChanges   = "drift.changes"
	ActDriftException = "drift.exception"
	ActDriftNotDrift  = "drift.not_drift" // a lead's « pas une dérive »: the flagged wordings are accepted
	ActDriftShow      = "drift.show"
	ActDriftJudge     = "drift.judge"

	ActBriefingAck    = "briefing.ack"    // value: "<slug>/<edition>"; « Lu et compris »
	ActBriefingSend   = "briefing.send"   // value: slug; a lead sends the briefing to the front line
	ActBriefingFAQ    = "briefing.faq"    // value: question id; a lead adds an answered question to the FAQ
	ActBriefingStatus = "briefing.status" // value: slug; who has read the briefing, per channel
)

// The values of a reminder's snooze buttons: "<how> <task id>".
const (
	SnoozeDay    = "day"
	SnoozeMonday = "monday"
)

// The callback ids of the modals Chorus opens; a submission carries its callback id back.
const (
	ModalCampaignCreate = "campaign.create"
	ModalCampaignEdit   = "campaign.edit" // private metadata: the campaign slug
	ModalTaskAdd        = "task.add"      // private metadata: the campaign slug

	ModalReminderReassign = "reminder.reassign" // private metadata: the task id

	ModalTouchpointAdd  = "touchpoint.add"       // private metadata: the campaign slug
	ModalTouchpointMove = "touchpoint.move.form" // private metadata: the touchpoint id

	ModalMinutesComplete = "minutes.complete"
	ModalMinutesThread   = "minutes.thread"

	ModalDriftSubmit    = "drift.submit"
	ModalDriftPick      = "drift.pick"
	ModalDriftChanges   = "drift.changes"
	ModalDriftException = "drift.exception"
)
