mkdir host
