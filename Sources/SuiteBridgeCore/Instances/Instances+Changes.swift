extension Instances {
    /// Changes to an instance; `nil` leaves a field as it is.
    public struct Changes: Sendable {
        public var accountID: String?
        /// The consumer key (OAuth 1) or client id (OAuth 2).
        public var consumerKey: String?
        public var consumerSecret: String?
        public var tokenID: String?
        public var tokenSecret: String?
        public var roleID: String?
        public var entityID: String?
        /// An empty string removes the override.
        public var baseURL: String?
        public var concurrencyLimit: Int?
        public var newName: String?

        public init(accountID: String? = nil, consumerKey: String? = nil, consumerSecret: String? = nil, tokenID: String? = nil,
                    tokenSecret: String? = nil, roleID: String? = nil, entityID: String? = nil, baseURL: String? = nil,
                    concurrencyLimit: Int? = nil, newName: String? = nil) {
            self.accountID = accountID
            self.consumerKey = consumerKey
            self.consumerSecret = consumerSecret
            self.tokenID = tokenID
            self.tokenSecret = tokenSecret
            self.roleID = roleID
            self.entityID = entityID
            self.baseURL = baseURL
            self.concurrencyLimit = concurrencyLimit
            self.newName = newName
        }

        public var isEmpty: Bool {
            accountID == nil && consumerKey == nil && consumerSecret == nil && tokenID == nil && tokenSecret == nil && roleID == nil
                && entityID == nil && baseURL == nil && concurrencyLimit == nil && newName == nil
        }
    }
}
