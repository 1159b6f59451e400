import SuiteBridgeCore

/// The scope each API operation needs. `openapi.yaml` states the same as `x-required-scope` on each operation, and
/// a test checks that the two agree for every operation in the document.
enum OperationScopes {
    static let required: [String: TokenScope] = [
        Operations.Metrics.id: .metrics,

        Operations.ListInstances.id: .read,
        Operations.GetInstance.id: .read,
        Operations.ListCertificates.id: .read,
        Operations.DownloadCertificate.id: .read,
        Operations.ListAudit.id: .read,
        Operations.ListFlows.id: .read,
        Operations.GetFlow.id: .read,
        Operations.ListRuns.id: .read,
        Operations.GetRun.id: .read,
        Operations.GetMirrorStatus.id: .read,
        Operations.ListLookups.id: .read,
        Operations.GetLookup.id: .read,
        Operations.ListErrors.id: .read,
        Operations.GetError.id: .read,
        Operations.ListAlerts.id: .read,

        Operations.TestInstance.id: .operate,
        Operations.DoctorInstance.id: .operate,
        Operations.ListMirrorTables.id: .operate,
        Operations.RotateCertificate.id: .operate,
        Operations.ActivateCertificate.id: .operate,
        Operations.UpdateCertificateID.id: .operate,
        Operations.RunFlow.id: .operate,
        Operations.PauseFlow.id: .operate,
        Operations.ResumeFlow.id: .operate,
        Operations.CancelRun.id: .operate,
        Operations.PreviewFlow.id: .operate,
        Operations.EditError.id: .operate,
        Operations.RetryError.id: .operate,
        Operations.ResolveError.id: .operate,
        Operations.IgnoreError.id: .operate,
        Operations.RetryFlowErrors.id: .operate,
        Operations.TestAlert.id: .operate,

        Operations.CreateInstance.id: .admin,
        Operations.EditInstance.id: .admin,
        Operations.DeleteInstance.id: .admin,
        Operations.RevokeCertificate.id: .admin,
        Operations.ListTokens.id: .admin,
        Operations.CreateToken.id: .admin,
        Operations.RevokeToken.id: .admin,
        Operations.CreateFlow.id: .admin,
        Operations.DeleteFlow.id: .admin,
        Operations.PutLookup.id: .admin,
        Operations.DeleteLookup.id: .admin,
        Operations.AddAlert.id: .admin,
        Operations.UpdateFlowMapping.id: .admin,
        Operations.RemoveAlert.id: .admin,
    ]
}
