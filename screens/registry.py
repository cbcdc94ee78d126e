"""Every screen the app opens by name: `app.make_screen("child", child_id=...)`.

The app imports this and the screen's module only when the screen is first shown, which
keeps them off the first-paint path and keeps `cintui.app` below `cintui.screens`.
A new screen adds one line here.
"""

SCREENS = {
    "welcome": ("cintui.screens.welcome", "WelcomeScreen"),
    "unlock": ("cintui.screens.unlock", "UnlockScreen"),
    "who": ("cintui.screens.who", "WhoScreen"),
    "caseload": ("cintui.screens.caseload", "CaseloadScreen"),
    "child": ("cintui.screens.child", "ChildScreen"),
    "child_form": ("cintui.screens.forms", "ChildFormScreen"),
    "plan": ("cintui.screens.plan", "PlanScreen"),
    "visit_form": ("cintui.screens.visit", "VisitFormScreen"),
    "visit_view": ("cintui.screens.visit", "VisitViewScreen"),
    "minuting": ("cintui.screens.minuting", "MinutingScreen"),
    "minutes_view": ("cintui.screens.minuting", "MinutesViewScreen"),
    "my_week": ("cintui.screens.my_week", "MyWeekScreen"),
    "team": ("cintui.screens.team", "TeamScreen"),
    "census_worker": ("cintui.screens.team", "CensusWorkerScreen"),
    "supervision_overdue": ("cintui.screens.team", "SupervisionOverdueScreen"),
    "waiting": ("cintui.screens.team", "WaitingScreen"),
    "plans_failing": ("cintui.screens.team", "PlansFailingScreen"),
    "no_change": ("cintui.screens.team", "NoChangeScreen"),
    "service": ("cintui.screens.team", "ServiceScreen"),
    "step_audits": ("cintui.screens.team", "StepAuditScreen"),
    "transfer_in": ("cintui.screens.transfer", "TransferInFormScreen"),
    "caseload_import": ("cintui.screens.caseload_import", "CaseloadImportScreen"),
    "closure": ("cintui.screens.endings", "ClosureScreen"),
    "case_steps": ("cintui.screens.steps", "CaseStepsScreen"),
    "step_down": ("cintui.screens.transfer", "StepDownScreen"),
    "transfer": ("cintui.screens.transfer", "TransferScreen"),
    "admin": ("cintui.screens.admin", "AdminScreen"),
    "supervision": ("cintui.screens.supervision", "SupervisionScreen"),
    "supervision_session": ("cintui.screens.supervision", "SupervisionSessionScreen"),
    "fgc": ("cintui.screens.fgc", "FgcScreen"),
    "signs_of_safety": ("cintui.screens.sos", "SignsOfSafetyScreen"),
    "gcp2": ("cintui.screens.gcp2", "Gcp2Screen"),
    "short_breaks": ("cintui.screens.short_breaks", "ShortBreaksScreen"),
    "partners_export": ("cintui.screens.partners", "PartnersExportScreen"),
    "subject_access": ("cintui.screens.privacy", "SubjectAccessScreen"),
    "retention": ("cintui.screens.privacy", "RetentionScreen"),
    "retention_erase": ("cintui.screens.privacy", "RetentionEraseScreen"),
    "sync_conflicts": ("cintui.screens.sync_conflicts", "SyncConflictsScreen"),
    "help": ("cintui.screens.help", "HelpScreen"),
}
