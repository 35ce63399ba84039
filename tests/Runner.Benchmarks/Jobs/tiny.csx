// The smallest job: what a one-tenant run costs when the script itself costs nothing.
return Tenant.Domain;
