/// The dashboard's only script: shows the realm and host an account id gives, as the user types.
enum DashboardScript {
    static let text = """
        document.addEventListener("DOMContentLoaded", () => {
          const input = document.getElementById("accountId");
          const help = document.getElementById("accountId-help");
          if (!input || !help) return;
          const base = help.textContent.replace(" Realm: shown as you type.", "");
          const update = () => {
            let id = input.value.trim();
            const match = id.match(/^https?:\\/\\/([^.\\/]+)\\./i);
            if (match) id = match[1];
            if (!id) { help.textContent = base; return; }
            const realm = id.toUpperCase().replace(/-/g, "_");
            const host = id.toLowerCase().replace(/_/g, "-");
            help.textContent = base + " Realm: " + realm + " · host: " + host;
          };
          input.addEventListener("input", update);
          update();
        });
        """
}
